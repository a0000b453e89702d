// <Split>, <Grid>, <Slot>: the varg SDK's layout helpers (src/react/layouts/*.tsx). There they
// rewrite their children's left/top/width/height/resize props; here each child renders through
// the element dispatch inside its own cell, so it keeps its clip's window (the SDK's cells
// cover the whole timeline: a known bug not copied) and nested layouts compose.
import type { VargElementJson } from "../../tree.ts";
import { ComposeError, type ComponentRenderer, type ComposeContext, type Placement } from "../types.ts";
import { numberProp, oneOf } from "./captions.ts";

/** Renders one element through the dispatch (components/index.ts). */
export type RenderChild = ComponentRenderer;

/** The element children of a layout; text children are not drawable there. */
export function elementChildren(el: VargElementJson, what: string): VargElementJson[] {
  return el.children.filter((child): child is VargElementJson => {
    if (typeof child !== "string") return true;
    if (child.trim() === "") return false;
    throw new ComposeError(`${what} places elements, not text (got ${JSON.stringify(child.slice(0, 40))})`);
  });
}

/** The child's props with defaults it does not set itself. */
export const withDefaults = (el: VargElementJson, defaults: Record<string, string>): VargElementJson => ({
  ...el,
  props: { ...defaults, ...el.props },
});

/** A context whose frame is a cell: renderers that size in pixels size to the cell. A Proxy,
 *  so whatever else the compiler's context carries (and its `this`) is kept. */
export function cellContext(ctx: ComposeContext, width: number, height: number): ComposeContext {
  return new Proxy(ctx, {
    get(target, key) {
      if (key === "width") return width;
      if (key === "height") return height;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const pct = (fraction: number) => `${Math.round(fraction * 1e6) / 1e4}%`;

function gridHtml(
  children: VargElementJson[],
  columns: number,
  rows: number,
  resize: string,
  ctx: ComposeContext,
  at: Placement,
  renderChild: RenderChild,
): string {
  const cells = children.map((child, i) => {
    const col = i % columns;
    const row = Math.floor(i / columns);
    // Children past rows × columns land below the frame, as the SDK places them.
    const box = `left: ${pct(col / columns)}; top: ${pct(row / rows)}; width: ${pct(1 / columns)}; height: ${pct(1 / rows)}`;
    const inner = renderChild(withDefaults(child, { resize }), cellContext(ctx, ctx.width / columns, ctx.height / rows), at);
    return `<div class="rf-cell" style="position: absolute; overflow: hidden; ${box}">${inner}</div>`;
  });
  return cells.length ? `<div class="rf-grid" style="position: absolute; inset: 0">${cells.join("")}</div>` : "";
}

const count = (value: unknown, what: string) => Math.round(numberProp(value, what, 1, 100));

/** Grid: `columns` (default: one per child), `rows` (default: enough), `resize` (default cover). */
export function renderGrid(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const children = elementChildren(el, "<Grid>");
  if (!children.length) return "";
  const columns = el.props.columns === undefined ? children.length : count(el.props.columns, "<Grid> columns");
  const rows = el.props.rows === undefined ? Math.ceil(children.length / columns) : count(el.props.rows, "<Grid> rows");
  const resize = el.props.resize === undefined ? "cover" : oneOf(el.props.resize, ["cover", "contain", "stretch"] as const, "<Grid> resize");
  return gridHtml(children, columns, rows, resize, ctx, at, renderChild);
}

/** Split: a Grid of one row (horizontal, the default) or one column (vertical). */
export function renderSplit(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const children = elementChildren(el, "<Split>");
  if (!children.length) return "";
  const direction = el.props.direction === undefined ? "horizontal" : oneOf(el.props.direction, ["horizontal", "vertical"] as const, "<Split> direction");
  const horizontal = direction === "horizontal";
  return gridHtml(children, horizontal ? children.length : 1, horizontal ? 1 : children.length, "cover", ctx, at, renderChild);
}

const FITS = { cover: "cover", contain: "contain", "contain-blur": "contain-blur", fill: "stretch" } as const;
const SLOT_POSITIONS = ["center", "top", "bottom", "left", "right", "top-left", "top-right", "bottom-left", "bottom-right"] as const;

/** Slot: its one child with `fit` (cover, contain, contain-blur, fill = stretch) and `position`
 *  (the crop anchor), also read from `class="fit-… pos-…"`; these override the child's own. */
export function renderSlot(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const children = elementChildren(el, "<Slot>");
  if (children.length !== 1) throw new ComposeError(`<Slot> wraps exactly one element, got ${children.length}`);
  const classes = typeof el.props.class === "string" ? el.props.class.trim().split(/\s+/) : [];
  const fromClass = (prefix: string) => classes.find((c) => c.startsWith(prefix))?.slice(prefix.length);
  const fitName = el.props.fit ?? (fromClass("fit-") as string | undefined) ?? "cover";
  const fit = FITS[oneOf(fitName, Object.keys(FITS) as Array<keyof typeof FITS>, "<Slot> fit")];
  const position = oneOf(el.props.position ?? fromClass("pos-") ?? "center", SLOT_POSITIONS, "<Slot> position");
  const child = children[0]!;
  return renderChild({ ...child, props: { ...child.props, resize: fit, cropPosition: position } }, ctx, at);
}
