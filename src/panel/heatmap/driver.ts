/**
 * The imperative side of HeatmapCanvas: owns the two canvases and the tooltip element, listens to the pointer and
 * keyboard natively, and redraws the overlay in requestAnimationFrame. React renders only when props change or a
 * selection is made; hovering and brushing touch nothing but the canvas and the tooltip's DOM.
 */
import { GrafanaTheme2 } from '@grafana/data';
import { TimeZone } from '@grafana/schema';
import { Cell, HeatmapGrid, Selection } from '../model';
import { drawCells, drawOverlay, Context2D } from './draw';
import { cellAt, cellRect, columnStart, Layout } from './grid';
import { cellTooltip } from './format';
import { Interaction } from './interaction';

export interface DriverView {
  grid: HeatmapGrid;
  /** The plot in canvas-local CSS px (x0 = y0 = 0). */
  layout: Layout;
  scale: (count: number) => string;
  theme: GrafanaTheme2;
  timeZone?: TimeZone;
  committed?: Selection;
}

export interface DriverCallbacks {
  onSelect(selection: Selection | undefined): void;
  onHover?(timeMs: number | undefined): void;
  onPending(cell: Cell | undefined): void;
}

interface Elements {
  cells: HTMLCanvasElement;
  overlay: HTMLCanvasElement;
  tooltip: HTMLElement;
}

const EMPTY_GRID: HeatmapGrid = {
  startMs: 0,
  columnMs: 1000,
  columns: 0,
  rows: 1,
  counts: new Float64Array(0),
  covered: new Uint8Array(0),
  max: 0,
  total: 0,
};
const TOOLTIP_GAP_PX = 14;

export class HeatmapDriver {
  private readonly interaction: Interaction;
  private view?: DriverView;
  private callbacks?: DriverCallbacks;
  private el?: Elements;
  private frame?: number;
  /** The pointer in canvas-local CSS px, for placing the tooltip. */
  private pointer?: { x: number; y: number };
  /** What the cells layer last drew, to skip redundant redraws. */
  private drawn?: { grid: HeatmapGrid; layout: Layout; scale: DriverView['scale']; theme: GrafanaTheme2; dpr: number };

  constructor() {
    this.interaction = new Interaction(EMPTY_GRID, {
      onChange: () => this.schedule(),
      onCommit: (selection) => this.callbacks?.onSelect(selection),
      onPoint: (cell) => this.pointed(cell),
      onPending: (cell) => this.callbacks?.onPending(cell),
    });
  }

  attach(cells: HTMLCanvasElement, overlay: HTMLCanvasElement, tooltip: HTMLElement): void {
    this.el = { cells, overlay, tooltip };
    overlay.addEventListener('mousedown', this.onMouseDown);
    overlay.addEventListener('mousemove', this.onMouseMove);
    overlay.addEventListener('mouseleave', this.onMouseLeave);
    overlay.addEventListener('keydown', this.onKeyDown);
    overlay.addEventListener('focus', this.onFocus);
    overlay.addEventListener('blur', this.onBlur);
    this.drawn = undefined;
    this.render();
  }

  detach(): void {
    const overlay = this.el?.overlay;
    overlay?.removeEventListener('mousedown', this.onMouseDown);
    overlay?.removeEventListener('mousemove', this.onMouseMove);
    overlay?.removeEventListener('mouseleave', this.onMouseLeave);
    overlay?.removeEventListener('keydown', this.onKeyDown);
    overlay?.removeEventListener('focus', this.onFocus);
    overlay?.removeEventListener('blur', this.onBlur);
    this.stopDragListeners();
    if (this.frame !== undefined) {
      cancelAnimationFrame(this.frame);
      this.frame = undefined;
    }
    this.el = undefined;
  }

  /** New props: redraws the cells if anything they depend on changed, and the overlay on the next frame. */
  update(view: DriverView, callbacks: DriverCallbacks): void {
    if (this.view && !sameLayout(this.view.layout, view.layout)) {
      // The plot moved or resized under a still pointer (a selection shrinks the heat map): the tooltip and hover
      // would describe a cell no longer there. The next move shows them again.
      this.pointer = undefined;
      this.interaction.pointerLeave();
      if (this.el) {
        this.el.tooltip.style.display = 'none';
      }
    }
    this.view = view;
    this.callbacks = callbacks;
    this.interaction.setGrid(view.grid);
    this.interaction.setCommitted(view.committed);
    this.render();
  }

  /** Escape, or the clear button. */
  clear(): void {
    this.interaction.escape();
  }

  private render(): void {
    const { el, view } = this;
    if (!el || !view) {
      return;
    }
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(view.layout.width * dpr));
    const h = Math.max(1, Math.round(view.layout.height * dpr));
    for (const canvas of [el.cells, el.overlay]) {
      if (canvas.width !== w || canvas.height !== h) {
        // Resizing clears a canvas, so the cells must be drawn again.
        canvas.width = w;
        canvas.height = h;
        this.drawn = undefined;
      }
    }
    const d = this.drawn;
    const same =
      d &&
      d.grid === view.grid &&
      d.scale === view.scale &&
      d.theme === view.theme &&
      d.dpr === dpr &&
      sameLayout(d.layout, view.layout);
    if (!same) {
      const ctx = context(el.cells);
      if (ctx) {
        drawCells(ctx, view.grid, view.layout, view.scale, view.theme, dpr);
      }
      this.drawn = { grid: view.grid, layout: view.layout, scale: view.scale, theme: view.theme, dpr };
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.frame === undefined && this.el) {
      this.frame = requestAnimationFrame(this.drawOverlayNow);
    }
  }

  private drawOverlayNow = (): void => {
    this.frame = undefined;
    const ctx = this.el && context(this.el.overlay);
    if (!ctx || !this.view) {
      return;
    }
    const i = this.interaction;
    const state = {
      selection: i.shown(),
      pending: i.pending,
      hover: i.hover,
      cursor: i.activeCursor,
    };
    drawOverlay(ctx, this.view.grid, this.view.layout, state, this.view.theme, window.devicePixelRatio || 1);
  };

  private point(e: MouseEvent): { x: number; y: number } {
    const rect = this.el!.overlay.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  private cellAtEvent(e: MouseEvent, clampToGrid: boolean): Cell | undefined {
    if (!this.view) {
      return undefined;
    }
    this.pointer = this.point(e);
    return cellAt(this.view.grid, this.view.layout, this.pointer.x, this.pointer.y, clampToGrid);
  }

  private onMouseDown = (e: MouseEvent): void => {
    if (e.button !== 0) {
      return;
    }
    const cell = this.cellAtEvent(e, false);
    if (!cell) {
      return;
    }
    e.preventDefault(); // no text selection while brushing
    this.el?.overlay.focus({ preventScroll: true }); // so Escape reaches us
    this.interaction.pointerDown(cell);
    window.addEventListener('mousemove', this.onDragMove);
    window.addEventListener('mouseup', this.onDragEnd);
  };

  /** Hover; while dragging the window listener takes over (it also sees moves outside the canvas). */
  private onMouseMove = (e: MouseEvent): void => {
    if (this.interaction.dragging) {
      return;
    }
    this.interaction.pointerMove(this.cellAtEvent(e, false));
    this.placeTooltip();
  };

  private onDragMove = (e: MouseEvent): void => {
    this.interaction.pointerMove(this.cellAtEvent(e, true));
    this.placeTooltip();
  };

  private onDragEnd = (e: MouseEvent): void => {
    this.stopDragListeners();
    this.interaction.pointerUp(this.cellAtEvent(e, true));
  };

  private onMouseLeave = (): void => {
    this.interaction.pointerLeave();
  };

  private onKeyDown = (e: KeyboardEvent): void => {
    if (this.interaction.key(e.key, e.shiftKey)) {
      e.preventDefault();
      e.stopPropagation();
      this.pointer = undefined;
      this.placeTooltip();
    }
  };

  private onFocus = (): void => this.interaction.focus();
  private onBlur = (): void => this.interaction.blur();

  private stopDragListeners(): void {
    window.removeEventListener('mousemove', this.onDragMove);
    window.removeEventListener('mouseup', this.onDragEnd);
  }

  /** The pointed cell changed: new tooltip text, and the time for the panel's crosshair. */
  private pointed(cell: Cell | undefined): void {
    const tooltip = this.el?.tooltip;
    const view = this.view;
    if (!cell || !view) {
      if (tooltip) {
        tooltip.style.display = 'none';
      }
      this.callbacks?.onHover?.(undefined);
      return;
    }
    const { grid, timeZone } = view;
    const start = columnStart(grid, cell.column);
    const rowMs = 1000 / grid.rows;
    const timeMs = start + cell.row * rowMs;
    if (tooltip) {
      const lines = cellTooltip(grid, cell, view.layout.fromMs, timeZone);
      tooltip.replaceChildren(
        ...lines.map((text) => {
          const div = document.createElement('div');
          div.textContent = text;
          return div;
        })
      );
      tooltip.style.display = 'block';
    }
    this.placeTooltip();
    this.callbacks?.onHover?.(timeMs);
  }

  /** Beside the pointer (or the keyboard cursor's cell), flipped to stay inside the plot. */
  private placeTooltip(): void {
    const tooltip = this.el?.tooltip;
    const view = this.view;
    const cell = this.interaction.pointedCell();
    if (!tooltip || !view || !cell) {
      return;
    }
    let at = this.pointer;
    if (!at || !this.interaction.hover) {
      const rect = cellRect(view.grid, view.layout, cell);
      at = rect ? { x: rect.x + rect.width, y: rect.y } : { x: 0, y: 0 };
    }
    const { width, height } = view.layout;
    let x = at.x + TOOLTIP_GAP_PX;
    let y = at.y + TOOLTIP_GAP_PX;
    if (x + tooltip.offsetWidth > width) {
      x = Math.max(0, at.x - TOOLTIP_GAP_PX - tooltip.offsetWidth);
    }
    if (y + tooltip.offsetHeight > height) {
      y = Math.max(0, at.y - TOOLTIP_GAP_PX - tooltip.offsetHeight);
    }
    tooltip.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  }
}

function context(canvas: HTMLCanvasElement): Context2D | undefined {
  // The test scaffold stubs getContext to return undefined; jsdom without canvas returns null.
  return canvas.getContext('2d') ?? undefined;
}

function sameLayout(a: Layout, b: Layout): boolean {
  return (
    a.x0 === b.x0 &&
    a.y0 === b.y0 &&
    a.width === b.width &&
    a.height === b.height &&
    a.fromMs === b.fromMs &&
    a.toMs === b.toMs
  );
}
