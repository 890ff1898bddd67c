/** Table names of the shared legacy schema, kept in one place because every layer spells them. */
export const T = {
  product: 'PRD_MSTR',
  customer: 'CUST_MSTR',
  orderHeader: 'ORD_HDR',
  orderLine: 'ORD_LN',
  inventory: 'INV_BAL',
} as const;

/** Product status codes as the monolith writes them; anything else in the data is historical dirt. */
export const PRD_STS = { active: 'A', discontinued: 'D', hold: 'H' } as const;

/** Order status codes. */
export const ORD_STS = { new: 'N', paid: 'P', shipped: 'S', cancelled: 'C' } as const;
