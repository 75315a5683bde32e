/**
 * A chart with a readout below it, appended to the analysis panel and hidden until there is something
 * to show: the box the background group analyses (temperature ladder, free energy vs n) draw into.
 */
import { type ChartOptions, LineChart, type Series } from './line-chart';

export class ChartBox {
  readonly root: HTMLElement;
  readonly chart: LineChart;
  private readonly readout: HTMLElement;
  /** The readout lines last shown (tests and captions read them). */
  lines: readonly string[] = [];

  /** `id` names the canvas `chart-<id>` and the readout `<id>-readout`. */
  constructor(parent: HTMLElement, id: string, opts: ChartOptions) {
    this.root = document.createElement('div');
    this.root.className = 'group-analysis';
    this.root.hidden = true;
    this.chart = new LineChart(this.root, opts);
    this.chart.canvas.id = `chart-${id}`;
    this.readout = document.createElement('div');
    this.readout.className = 'caption readout';
    this.readout.id = `${id}-readout`;
    this.root.append(this.readout);
    parent.append(this.root);
  }

  /** Shows the series and readout lines, or hides the box (null). */
  show(content: { series: readonly Series[]; lines: readonly string[] } | null): void {
    this.root.hidden = content === null;
    if (!content) return;
    this.chart.draw(content.series);
    this.lines = content.lines;
    this.readout.replaceChildren(
      ...content.lines.map((t) => {
        const div = document.createElement('div');
        div.textContent = t;
        return div;
      }),
    );
  }

  destroy(): void {
    this.root.remove();
  }
}
