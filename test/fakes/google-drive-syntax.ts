/**
 * The two small languages of Drive v3 requests the fake understands: the `q` search grammar (the subset
 * the client uses: `and` of `name = '…'`, `mimeType = '…'`, `'…' in parents`, `trashed = false|true`) and
 * the `fields` partial-response selector (`a,b`, `files(id,name)`). Anything else is refused the way Drive
 * refuses it (400 `invalid`), so a client that builds a wrong query fails against the fake too.
 */

export class SyntaxFault extends Error {
  readonly location: "q" | "fields";

  constructor(location: "q" | "fields", message: string) {
    super(message);
    this.location = location;
  }
}

type Token = { kind: "string"; value: string } | { kind: "word"; value: string } | { kind: "op"; value: "=" | "!=" };

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const ch = q[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      // Drive's escapes inside a string: \' and \\ (an unescaped ' ends the string).
      let value = "";
      i++;
      for (;;) {
        if (i >= q.length) throw new SyntaxFault("q", "Invalid Value: unterminated string");
        const c = q[i]!;
        if (c === "\\") {
          const next = q[i + 1];
          if (next !== "'" && next !== "\\") throw new SyntaxFault("q", "Invalid Value: bad escape");
          value += next;
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ kind: "string", value });
    } else if (ch === "=") {
      tokens.push({ kind: "op", value: "=" });
      i++;
    } else if (ch === "!" && q[i + 1] === "=") {
      tokens.push({ kind: "op", value: "!=" });
      i += 2;
    } else if (/[A-Za-z]/.test(ch)) {
      const m = /^[A-Za-z]+/.exec(q.slice(i))![0];
      tokens.push({ kind: "word", value: m });
      i += m.length;
    } else {
      throw new SyntaxFault("q", `Invalid Value: unexpected ${JSON.stringify(ch)}`);
    }
  }
  return tokens;
}

/** What a term can look at. */
export interface Searchable {
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
}

export type Predicate = (item: Searchable) => boolean;

/** Parses a `q` expression into a predicate; `resolveId` maps aliases such as `root` to real ids. */
export function parseQuery(q: string, resolveId: (id: string) => string): Predicate {
  const tokens = tokenize(q);
  const terms: Predicate[] = [];
  let i = 0;
  const take = () => {
    const t = tokens[i++];
    if (!t) throw new SyntaxFault("q", "Invalid Value: expression ends early");
    return t;
  };
  for (;;) {
    const first = take();
    if (first.kind === "string") {
      const inWord = take();
      const parents = take();
      if (inWord.kind !== "word" || inWord.value !== "in" || parents.kind !== "word" || parents.value !== "parents") {
        throw new SyntaxFault("q", "Invalid Value: expected `'<id>' in parents`");
      }
      const id = resolveId(first.value);
      terms.push((item) => item.parents.includes(id));
    } else if (first.kind === "word") {
      const op = take();
      const value = take();
      if (op.kind !== "op") throw new SyntaxFault("q", `Invalid Value: expected = or != after ${first.value}`);
      const negate = op.value === "!=";
      if (first.value === "name" || first.value === "mimeType") {
        if (value.kind !== "string") throw new SyntaxFault("q", `Invalid Value: ${first.value} takes a string`);
        const field = first.value;
        terms.push((item) => (item[field] === value.value) !== negate);
      } else if (first.value === "trashed") {
        if (value.kind !== "word" || (value.value !== "true" && value.value !== "false")) throw new SyntaxFault("q", "Invalid Value: trashed takes true or false");
        const wanted = value.value === "true";
        terms.push((item) => (item.trashed === wanted) !== negate);
      } else {
        throw new SyntaxFault("q", `Invalid Value: the fake does not know the term ${first.value}`);
      }
    } else {
      throw new SyntaxFault("q", "Invalid Value: a term cannot start with an operator");
    }
    if (i === tokens.length) break;
    const joiner = take();
    if (joiner.kind !== "word" || joiner.value !== "and") throw new SyntaxFault("q", "Invalid Value: terms are joined by `and` (the fake knows no other)");
  }
  return (item) => terms.every((t) => t(item));
}

/** A parsed `fields` selector: field name → nested selector (`true` for the whole value). */
export type FieldSelector = Map<string, FieldSelector | true>;

export function parseFields(fields: string): FieldSelector {
  let i = 0;
  const parseList = (depth: number): FieldSelector => {
    const selector: FieldSelector = new Map();
    for (;;) {
      const m = /^\s*([A-Za-z*][A-Za-z0-9_]*)\s*/.exec(fields.slice(i));
      if (!m) throw new SyntaxFault("fields", `Invalid field selection ${fields}`);
      i += m[0].length;
      if (fields[i] === "(") {
        i++;
        selector.set(m[1]!, parseList(depth + 1));
        if (fields[i] !== ")") throw new SyntaxFault("fields", `Invalid field selection ${fields}`);
        i++;
      } else {
        selector.set(m[1]!, true);
      }
      while (fields[i] === " ") i++;
      if (fields[i] === ",") {
        i++;
        continue;
      }
      if (i === fields.length || (depth > 0 && fields[i] === ")")) return selector;
      throw new SyntaxFault("fields", `Invalid field selection ${fields}`);
    }
  };
  const selector = parseList(0);
  if (i !== fields.length) throw new SyntaxFault("fields", `Invalid field selection ${fields}`);
  return selector;
}

/**
 * Keeps only the selected fields of a resource. `known` lists the fields the resource type has (Drive
 * refuses a selection of an unknown field even when the value is absent on this resource).
 */
export function selectFields(resource: Record<string, unknown>, selector: FieldSelector, known: ReadonlySet<string>, nestedKnown: (field: string) => ReadonlySet<string> = () => known): Record<string, unknown> {
  if (selector.has("*")) return resource;
  const out: Record<string, unknown> = {};
  for (const [field, sub] of selector) {
    if (!known.has(field)) throw new SyntaxFault("fields", `Invalid field selection ${field}`);
    const value = resource[field];
    if (value === undefined) continue;
    if (sub === true) out[field] = value;
    else if (Array.isArray(value)) out[field] = value.map((v: Record<string, unknown>) => selectFields(v, sub, nestedKnown(field)));
    else out[field] = selectFields(value as Record<string, unknown>, sub, nestedKnown(field));
  }
  return out;
}
