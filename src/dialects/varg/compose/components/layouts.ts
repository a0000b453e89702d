// <Split>, <Grid>, <Slot>: the varg SDK's layout helpers (src/react/layouts/*.tsx). There they
// rewrite their children's left/top/width/height/resize props; here each child renders through
// the element dispatch inside its own cell, so it keeps its clip's window (the SDK's cells
// cover the whole timeline: a known bug not copied) and nested layouts compose.
import { isElement, type VargElementJson } from "../../tree.ts";
import { pct } from "../escape.ts";
import { enumProp, numberProp, tagOf } from "../props.ts";
import { ComposeError, type ComponentRenderer, type ComposeContext, type Placement } from "../types.ts";

/** Renders one element through the dispatch (components/index.ts). */
export type RenderChild = ComponentRenderer;

/** The element children of a layout; text children are not drawable there. */
export function elementChildren(el: VargElementJson, where: string): VargElementJson[] {
  return el.children.filter((child): child is VargElementJson => {
    if (typeof child !== "string") return true;
    if (child.trim() === "") return false;
    throw new ComposeError(`${tagOf(el)} in ${where} places elements, not text (got ${JSON.stringify(child.slice(0, 40))})`);
  });
}

/** The child's props with defaults it does not set itself. */
export const withDefaults = (el: VargElementJson, defaults: VargElementJson["props"]): VargElementJson => ({
  ...el,
  props: { ...defaults, ...el.props },
});

/** A context whose frame is a cell: renderers that size in pixels size to the cell, and
 *  children they render in place (ctx.render) stay in it. The rest is the compiler's own. */
export function cellContext(ctx: ComposeContext, width: number, height: number, renderChild: RenderChild): ComposeContext {
  const cell: ComposeContext = new Proxy(ctx, {
    get(target, key) {
      if (key === "width") return width;
      if (key === "height") return height;
      if (key === "render") return (el: VargElementJson, at: Placement) => renderChild(el, cell, at);
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return cell;
}

/** A cell's child: the SDK gives it a box, so an Image does not zoom unless it says so (a
 *  boxed image-overlay has no default zoom); a Slot passes these on to what it wraps. */
function inCell(child: VargElementJson, resize: string): VargElementJson {
  const defaults = { resize, zoom: null };
  if (child.type !== "slot") return withDefaults(child, defaults);
  return { ...child, children: child.children.map((c) => (isElement(c) ? withDefaults(c, { zoom: null }) : c)) };
}

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
    const inner = renderChild(inCell(child, resize), cellContext(ctx, ctx.width / columns, ctx.height / rows, renderChild), at);
    return `<div class="rf-cell" style="position: absolute; overflow: hidden; ${box}">${inner}</div>`;
  });
  return cells.length ? `<div class="rf-grid" style="position: absolute; inset: 0">${cells.join("")}</div>` : "";
}

/** The placement of a layout's children: the same window, named for messages. */
export const inside = (el: VargElementJson, at: Placement): Placement => ({ ...at, where: `${tagOf(el)} in ${at.where ?? "the scene"}` });

const count = (el: VargElementJson, key: string, where: string) => {
  const value = numberProp(el, key, where, { min: 1, max: 100 });
  return value === undefined ? undefined : Math.round(value);
};

/** Grid: `columns` (default: one per child), `rows` (default: enough), `resize` (default cover). */
export function renderGrid(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const where = at.where ?? "the scene";
  const children = elementChildren(el, where);
  if (!children.length) return "";
  const columns = count(el, "columns", where) ?? children.length;
  const rows = count(el, "rows", where) ?? Math.ceil(children.length / columns);
  const resize = enumProp(el, "resize", ["cover", "contain", "stretch"] as const, where) ?? "cover";
  return gridHtml(children, columns, rows, resize, ctx, inside(el, at), renderChild);
}

/** Split: a Grid of one row (horizontal, the default) or one column (vertical). */
export function renderSplit(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const where = at.where ?? "the scene";
  const children = elementChildren(el, where);
  if (!children.length) return "";
  const direction = enumProp(el, "direction", ["horizontal", "vertical"] as const, where) ?? "horizontal";
  const horizontal = direction === "horizontal";
  return gridHtml(children, horizontal ? children.length : 1, horizontal ? 1 : children.length, "cover", ctx, inside(el, at), renderChild);
}

const FITS = { cover: "cover", contain: "contain", "contain-blur": "contain-blur", fill: "stretch" } as const;
const SLOT_POSITIONS = ["center", "top", "bottom", "left", "right", "top-left", "top-right", "bottom-left", "bottom-right"] as const;

/** Slot: its one child with `fit` (cover, contain, contain-blur, fill = stretch) and `position`
 *  (the crop anchor), also read from `class="fit-… pos-…"`; these override the child's own. */
export function renderSlot(el: VargElementJson, ctx: ComposeContext, at: Placement, renderChild: RenderChild): string {
  const where = at.where ?? "the scene";
  const children = elementChildren(el, where);
  if (children.length !== 1) throw new ComposeError(`<Slot> in ${where} wraps exactly one element, got ${children.length}`);
  // Classes are read like the SDK's parseSlotClass (unknown ones ignored); the props win.
  const classes = typeof el.props.class === "string" ? el.props.class.trim().split(/\s+/) : [];
  const fromClass = <T extends string>(prefix: string, allowed: readonly T[]) =>
    classes.map((c) => c.slice(prefix.length) as T).find((v, i) => classes[i]!.startsWith(prefix) && allowed.includes(v));
  const fitKeys = Object.keys(FITS) as Array<keyof typeof FITS>;
  const fit = FITS[enumProp(el, "fit", fitKeys, where) ?? fromClass("fit-", fitKeys) ?? "cover"];
  const position = enumProp(el, "position", SLOT_POSITIONS, where) ?? fromClass("pos-", SLOT_POSITIONS) ?? "center";
  const child = children[0]!;
  return renderChild({ ...child, props: { ...child.props, resize: fit, cropPosition: position } }, ctx, inside(el, at));
}
