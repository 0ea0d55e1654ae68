/**
 * A table of records that scrolls sideways on its own at phone width instead of widening the page: its
 * wrapper is a named, focusable region, so keyboard users can scroll it too. An empty list shows one row
 * saying so; a list not loaded yet (`rows` undefined) shows none.
 */
import type { ComponentChildren } from "preact";

export interface DataTableProps<T> {
  /** The heading that names the table, by id; without one, the caption's text names it. */
  labelledBy?: string;
  caption?: { text: string; hidden?: boolean };
  columns: readonly string[];
  rows: readonly T[] | undefined;
  empty: string;
  /** One `<tr>` per record. */
  row: (item: T) => ComponentChildren;
  testId?: string;
}

export function DataTable<T>({ labelledBy, caption, columns, rows, empty, row, testId }: DataTableProps<T>) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-labelledby={labelledBy} aria-label={labelledBy ? undefined : caption?.text}>
      <table class="data-table" data-testid={testId}>
        {caption && <caption class={caption.hidden ? "visually-hidden" : undefined}>{caption.text}</caption>}
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows?.length === 0 && (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          )}
          {rows?.map(row)}
        </tbody>
      </table>
    </div>
  );
}
