// `unitag --help` and `unitag COMMAND --help` without loading the commands: the pages (help-pages.ts, generated
// by `npm run docs` from the program commander builds) laid out as commander lays out its help, wrapped to the
// terminal's width. Loading every command's module and commander cost more than all the rest of start-up; a
// test holds each page, at several widths, equal to what commander prints.

/** One command's help: what commander's help prints, before it is wrapped to a width. */
export interface HelpPage {
  usage: string;
  description: string;
  /** Headed lists of terms and their descriptions (`Options:`, `Commands:`), in order, none empty. */
  sections: [heading: string, items: [term: string, description: string][]][];
  /** Text the help prints before its usage line, and after its last section. */
  before: string;
  after: string;
}

/** Below this many columns a text is not wrapped (commander's `minWidthToWrap`). */
const MIN_WIDTH_TO_WRAP = 40;
/** Spaces before each item, and between its term and description. */
const INDENT = 2;
const SPACER = 2;

/**
 * The page of the command that `args` ask help for (`--help`, `-h`, `COMMAND --help`, `COMMAND SUB -h`), or
 * undefined when they ask for anything else: then the program itself answers.
 */
export function helpPageFor(
  args: readonly string[],
  pages: Readonly<Record<string, HelpPage>>,
): HelpPage | undefined {
  const last = args.at(-1);
  if (last !== '--help' && last !== '-h') return undefined;
  const path = args.slice(0, -1);
  if (path.some((word) => word === '' || word.startsWith('-'))) return undefined;
  const key = path.join(' ');
  return Object.hasOwn(pages, key) ? pages[key] : undefined;
}

/** The page as commander prints it to a stream `columns` wide (undefined: not a terminal, 80). */
export function renderHelp(page: HelpPage, columns: number | undefined): string {
  const width = columns ?? 80;
  const termWidth = Math.max(0, ...page.sections.flatMap(([, items]) => items.map(([term]) => term.length)));
  const lines = [`Usage: ${page.usage}`, ''];
  if (page.description.length > 0) lines.push(wrap(page.description, width), '');
  for (const [heading, items] of page.sections) {
    lines.push(heading, ...items.map(([term, text]) => item(term, termWidth, text, width)), '');
  }
  return `${page.before}${lines.join('\n')}${page.after}`;
}

/** A term padded to `termWidth`, then its description wrapped beside it. */
function item(term: string, termWidth: number, description: string, width: number): string {
  const indent = ' '.repeat(INDENT);
  if (description === '') return indent + term;
  const room = width - termWidth - SPACER - INDENT;
  // A description with a line break followed by a blank is laid out by hand: kept as it is.
  const laidOut = room < MIN_WIDTH_TO_WRAP || /\n[^\S\r\n]/.test(description);
  const text = laidOut
    ? description
    : wrap(description, room).replace(/\n/g, `\n${' '.repeat(termWidth + SPACER)}`);
  return `${indent}${term.padEnd(termWidth)}${' '.repeat(SPACER)}${text.replace(/\n/g, `\n${indent}`)}`;
}

/** Wraps each line of `text` at blanks to `width` columns, a word longer than that on a line of its own. */
function wrap(text: string, width: number): string {
  if (width < MIN_WIDTH_TO_WRAP) return text;
  const out: string[] = [];
  for (const line of text.split(/\r\n|\n/)) {
    const words = line.match(/\s*\S+/g);
    if (words === null) {
      out.push('');
      continue;
    }
    let current = words[0] as string;
    for (const word of words.slice(1)) {
      if (current.length + word.length <= width) {
        current += word;
      } else {
        out.push(current);
        current = word.trimStart();
      }
    }
    out.push(current);
  }
  return out.join('\n');
}
