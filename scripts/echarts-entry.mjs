// The parts of ECharts that Qiao draws with (bars, a pie, a funnel; axes, tooltips, legends;
// the canvas renderer), bundled by scripts/post-build.mjs into /echarts.min.js, an ES module the
// app loads on the first screen with a chart and finds as `window.echarts`. Half of the full
// build, so that a phone spends half as long starting it. A chart of another kind needs its
// part added here.
import * as echarts from "echarts/core";
import { BarChart, FunnelChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, FunnelChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);
window.echarts = echarts;
