/** A fenced code block of a Markdown page. */
export interface CodeBlock {
  /** The page, relative to the repository root. */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word, lowercased (`sh`, `json`…); empty when the fence names none. */
  lang: string;
  /** The content, without the fence's indentation. */
  code: string;
  /** The reason of a `<!-- not-checked: reason -->` comment right before the fence, if any. */
  notChecked?: string;
}

const FENCE = /^( {0,3}|\s*)(`{3,}|~{3,})\s*([^\s`]*)?.*$/;
const NOT_CHECKED = /^\s*<!--\s*not-checked:\s*(.*?)\s*-->\s*$/;

/**
 * The fenced blocks of a Markdown page, fences inside list items included (their indentation is
 * removed from the content). An opt-out comment counts when only blank lines separate it from the fence.
 */
export function codeBlocks(page: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    }
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const marker = k >= 0 ? NOT_CHECKED.exec(lines[k]!) : null;
    blocks.push({
      page,
      line: i + 1,
      lang: info.toLowerCase(),
      code: body.join('\n'),
      ...(marker ? { notChecked: marker[1] ?? '' } : {}),
    });
    i = j;
  }
  return blocks;
}

/**
 * The commands of a shell block: continuation lines joined, a quoted string kept whole across lines,
 * blank and comment lines left out.
 */
export function shellCommands(code: string): string[] {
  const commands: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') {
        current += c + (code[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === quote) quote = undefined;
      current += c;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(code[i - 1]!))) {
      // a comment runs to the end of the line (an apostrophe in it opens no quote)
      while (i + 1 < code.length && code[i + 1] !== '\n') i++;
    } else if (c === '\\' && code[i + 1] === '\n') {
      current += ' ';
      i++;
    } else if (c === '\n') {
      commands.push(current);
      current = '';
    } else {
      if (c === "'" || c === '"') quote = c;
      current += c;
    }
  }
  commands.push(current);
  return commands.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * The words of a shell command outside quotes, or `undefined` when it uses what the test does not run:
 * pipes, lists (`;`, `&&`, `||`), redirections, command substitution or a comment after the command is
 * fine (dropped), anything else that bash would interpret is refused.
 */
export function shellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') word += command[++i] ?? '';
      else {
        if (quote === '"' && (c === '$' || c === '`')) return undefined;
        word += c;
      }
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else if ('|&;<>()$`'.includes(c)) {
      return undefined;
    } else if (c === '\\') {
      word += command[++i] ?? '';
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words;
}
