import { readFileSync } from 'node:fs';

/** One shell command from a document, with the output block that follows it, if any. */
export interface DocCommand {
  readonly command: string;
  readonly expected?: { readonly lang: string; readonly text: string };
}

/** Every line of every ```sh block, in document order, each paired with an immediately following output block. */
export function commandsOf(file: string): DocCommand[] {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] as string, body: m[2] as string, end: (m.index ?? 0) + m[0].length, start: m.index ?? 0 }));
  const out: DocCommand[] = [];
  blocks.forEach((block, i) => {
    if (block.lang !== 'sh') return;
    const lines = block.body.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    const next = blocks[i + 1];
    const adjacent = next && next.lang !== 'sh' && text.slice(block.end, next.start).trim() === '';
    lines.forEach((command, j) => {
      out.push(adjacent && j === lines.length - 1 ? { command, expected: { lang: next.lang, text: next.body } } : { command });
    });
  });
  return out;
}
