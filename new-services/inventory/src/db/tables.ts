/** Table names of the inventory database, in one place so migrations and the repository agree. */
export const T = {
  stock: 'inventory_stock',
  reservations: 'inventory_reservations',
} as const;
