/** True when `offset` lies in [from, to] (a cursor right after a name still points at it). */
export const touches = (span: { from: number; to: number }, offset: number): boolean =>
  span.from <= offset && offset <= span.to;
