/**
 * Pattern tripwires for XSS and SQL injection in user input (internal; used
 * by {@link InputValidator}). They catch the usual payloads, not every
 * payload: output encoding and parameterised queries are the real defence.
 *
 * @module
 */

/**
 * Where a tripwire fired in the text it was given.
 *
 * @example
 * ```ts
 * const hit: TripwireHit | null = findXss('<script>'); // { text: '<script>', index: 0, length: 7 }
 * ```
 */
export interface TripwireHit {
  /** The text the pattern matched in (the input, or its normalised copy). */
  text: string;
  index: number;
  length: number;
}

const XSS: readonly RegExp[] = [
  /<\s*script\b/i,
  // A script URL where a URL goes (start, after = or a quote), or glued to its code;
  // prose such as "I love JavaScript: it is fun" passes.
  /(?:^\s*|[=("'`]\s*)(?:java|vb)script\s*:|\b(?:java|vb)script\s*:(?=\S)/i,
  // on…= event handlers; 3+ letters after "on" spares "one=1".
  /(?:^|[\s"'`/<;])on[a-z]{3,}\s*=/i,
  /<\s*iframe\b/i,
  /<\s*object\b/i,
  /<\s*embed\b/i,
  /\bdata\s*:\s*text\/html/i,
  /\bsrcdoc\s*=/i,
];

// Written so no two adjacent quantifiers can match the same characters: no
// catastrophic backtracking on long runs of spaces or quotes.
const SQL: readonly RegExp[] = [
  // ' OR '1'='1, " or 1=1, ') AND a=a
  /['"]\s*(?:\)\s*)*(?:or|and)\s+(?:['"][^'"]*['"]|[\w-]+)\s*(?:=|<|>|\blike\b)/i,
  /\bor\s+(\d+)\s*=\s*\1\b/i,
  /\bunion(?:\s+(?:all|distinct))?\s+select\b/i,
  /;\s*(?:drop\s+(?:table|database|schema|view)|delete\s+from|truncate\s+table|insert\s+into|update\s+\S+\s+set|alter\s+table|create\s+(?:table|user)|exec(?:ute)?\s|shutdown\b)/i,
  // A comment right after a closing quote (admin'-- or admin'/*), or one ending the input.
  /['"]\)*;?(?:--|\/\*)/,
  /['"][\s);]*(?:--|#|\/\*)\s*$/,
  /\bxp_cmdshell\b/i,
  /\b(?:pg_)?sleep\s*\(\s*\d/i,
  /\bbenchmark\s*\(/i,
  /\bwaitfor\s+delay\b/i,
];

/** Browsers drop tab/CR/LF/NUL inside "java\tscript:" and decode entities in attributes; so do we. */
function normaliseHtml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Math.min(parseInt(dec, 10), 0x10ffff)))
    .replace(/&colon;/gi, ':')
    .replace(/&(?:tab|newline);/gi, '')
    .replace(/[\t\r\n\0]/g, '');
}

/** "UNION/**\/SELECT": inline comments stand in for spaces. A loop, not a regex: linear even with many unclosed "/*". */
function normaliseSql(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('/*', from);
    const close = open < 0 ? -1 : text.indexOf('*/', open + 2);
    if (close < 0) return out + text.slice(from);
    out += `${text.slice(from, open)} `;
    from = close + 2;
  }
}

function find(patterns: readonly RegExp[], text: string, normalise: (t: string) => string): TripwireHit | null {
  const normalised = normalise(text);
  for (const candidate of normalised === text ? [text] : [text, normalised]) {
    for (const pattern of patterns) {
      const m = pattern.exec(candidate);
      if (m !== null) return { text: candidate, index: m.index, length: m[0].length };
    }
  }
  return null;
}

/**
 * The first XSS-looking fragment (`<script`, `javascript:`, `on…=` handlers,
 * `<iframe`, `<object`, `<embed`, `data:text/html`, `srcdoc=`), or `null`.
 *
 * @example
 * ```ts
 * findXss('<img src=x onerror=alert(1)>')?.index; // 11
 * ```
 */
export function findXss(text: string): TripwireHit | null {
  return find(XSS, text, normaliseHtml);
}

/**
 * The first SQL-injection-looking fragment (`' OR '1'='1`, `UNION SELECT`,
 * `; DROP TABLE`, a comment after a quote, `xp_cmdshell`, `SLEEP(`,
 * `BENCHMARK(`, …), or `null`.
 *
 * @example
 * ```ts
 * findSqlInjection("x' OR '1'='1") !== null; // true
 * ```
 */
export function findSqlInjection(text: string): TripwireHit | null {
  return find(SQL, text, normaliseSql);
}
