/**
 * A strict parser of the Graphviz DOT language (the grammar of graphviz.org/doc/info/lang.html:
 * graph, stmt_list, node / edge / attribute statements, `ID = ID`, subgraphs; quoted, numeral
 * and plain IDs; comments), written for the tests: Graphviz itself is not installed here.
 * It throws on anything the grammar does not allow, and returns the tree the checks read.
 */

export interface DotNode { id: string; attrs: Record<string, string>; graph: string }
export interface DotEdge { from: string; to: string; op: '->' | '--'; attrs: Record<string, string>; graph: string }
export interface DotGraph { name: string; parent: string | undefined; attrs: Record<string, string> }
export interface DotTree { directed: boolean; name: string; nodes: DotNode[]; edges: DotEdge[]; graphs: DotGraph[] }

type Token = { kind: 'id' | 'punct'; value: string; quoted?: boolean; at: number };

const KEYWORDS = new Set(['node', 'edge', 'graph', 'digraph', 'subgraph', 'strict']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (text.startsWith('//', i) || (c === '#' && (i === 0 || text[i - 1] === '\n'))) { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (text.startsWith('/*', i)) { const end = text.indexOf('*/', i + 2); if (end < 0) throw new Error(`unterminated comment at ${i}`); i = end + 2; continue; }
    if (text.startsWith('->', i) || text.startsWith('--', i)) { tokens.push({ kind: 'punct', value: text.slice(i, i + 2), at: i }); i += 2; continue; }
    if ('{}[]=;,:'.includes(c)) { tokens.push({ kind: 'punct', value: c, at: i }); i++; continue; }
    if (c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length) { value += text[j + 1] === '"' ? '"' : `\\${text[j + 1]}`; j++; } else value += text[j];
      }
      if (j >= text.length) throw new Error(`unterminated string at ${i}`);
      tokens.push({ kind: 'id', value, quoted: true, at: i });
      i = j + 1;
      continue;
    }
    const plain = /^(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))/.exec(text.slice(i));
    if (!plain) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
    tokens.push({ kind: 'id', value: plain[0], at: i });
    i += plain[0].length;
  }
  return tokens;
}

/** Parses one DOT graph; throws with the offending position on any syntax error. */
export function parseDot(text: string): DotTree {
  const tokens = tokenize(text);
  let p = 0;
  const peek = () => tokens[p];
  const fail = (what: string): never => { throw new Error(`expected ${what} at ${peek()?.at ?? 'end'} (got ${JSON.stringify(peek()?.value ?? 'end of input')})`); };
  const punct = (v: string) => { if (peek()?.kind === 'punct' && peek()!.value === v) { p++; return true; } return false; };
  const expectPunct = (v: string) => { if (!punct(v)) fail(`"${v}"`); };
  const keyword = (v: string) => { const t = peek(); if (t?.kind === 'id' && !t.quoted && t.value.toLowerCase() === v) { p++; return true; } return false; };
  const id = (): string => { const t = peek(); if (t?.kind !== 'id' || (!t.quoted && KEYWORDS.has(t.value.toLowerCase()))) return fail('an ID'); p++; return t.value; };

  const tree: DotTree = { directed: false, name: '', nodes: [], edges: [], graphs: [] };
  keyword('strict');
  if (keyword('digraph')) tree.directed = true;
  else if (!keyword('graph')) fail('"graph" or "digraph"');
  tree.name = peek()?.kind === 'id' ? id() : '';
  const root: DotGraph = { name: tree.name, parent: undefined, attrs: {} };
  tree.graphs.push(root);

  const attrList = (): Record<string, string> => {
    const attrs: Record<string, string> = {};
    while (punct('[')) {
      while (!punct(']')) {
        const key = id();
        expectPunct('=');
        attrs[key] = id();
        punct(';') || punct(',');
      }
    }
    return attrs;
  };
  const nodeId = (): string => { const name = id(); if (punct(':')) { id(); if (punct(':')) id(); } return name; };

  let anonymous = 0;
  const stmtList = (graph: DotGraph): void => {
    expectPunct('{');
    while (!punct('}')) {
      if (peek() === undefined) fail('"}"');
      if (keyword('subgraph') || (peek()?.kind === 'punct' && peek()!.value === '{')) {
        const name = peek()?.kind === 'id' ? id() : `anonymous ${++anonymous}`;
        const sub: DotGraph = { name, parent: graph.name, attrs: {} };
        tree.graphs.push(sub);
        stmtList(sub);
      } else if (keyword('graph')) Object.assign(graph.attrs, attrList());
      else if (keyword('node') || keyword('edge')) attrList();
      else {
        const first = nodeId();
        if (punct('=')) graph.attrs[first] = id();
        else if (peek()?.kind === 'punct' && (peek()!.value === '->' || peek()!.value === '--')) {
          const chain = [first];
          const ops: Array<'->' | '--'> = [];
          while (peek()?.kind === 'punct' && (peek()!.value === '->' || peek()!.value === '--')) {
            ops.push(tokens[p++]!.value as '->' | '--');
            chain.push(nodeId());
          }
          const attrs = attrList();
          for (let k = 0; k < ops.length; k++) tree.edges.push({ from: chain[k]!, to: chain[k + 1]!, op: ops[k]!, attrs, graph: graph.name });
        } else tree.nodes.push({ id: first, attrs: attrList(), graph: graph.name });
      }
      punct(';');
    }
  };
  stmtList(root);
  if (p !== tokens.length) fail('end of input');
  return tree;
}
