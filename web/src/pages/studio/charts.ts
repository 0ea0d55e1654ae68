/**
 * chart.js with only the controllers, elements, scales and plugins the studio's charts use registered (the
 * rest of the library stays out of the bundle). Imported dynamically by analytics.tsx, so the studio page
 * shows its queue and forms without waiting for the chart code.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export { Chart };
