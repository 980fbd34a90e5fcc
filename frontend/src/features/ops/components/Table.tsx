import type { ReactNode } from 'react';

/** A column heading; `hidden` ones are read out but not shown (a column of buttons). */
export type Column = string | { label: string; hidden: true };

interface TableProps {
  columns: readonly Column[];
  /** The rows: `<tr>` elements. */
  children: ReactNode;
  testId?: string;
}

/** An ops table: dense, tabular figures, scrolling inside its panel when it is wider than the page. */
export function Table({ columns, children, testId }: TableProps) {
  return (
    <div className="ops-table-wrap">
      <table className="ops-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === 'string' ? (
                <th key={column} scope="col">
                  {column}
                </th>
              ) : (
                <th key={column.label} scope="col">
                  <span className="visually-hidden">{column.label}</span>
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
