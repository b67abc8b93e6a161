// Opens an executed copy that `nnb run` wrote into an output folder in Jupyter Notebook 6 (headless Chromium) and
// counts the charts drawn from its saved outputs (Plotly marks a drawn chart's div js-plotly-plot). Its first chart
// output loads the folder's shared plotly.js through Notebook 6's require.js, by the /notebooks/... URL, which Notebook
// 6 redirects to /files/...; the requests for it are printed. Exits 1 unless every chart is drawn.
// Usage: node drive_charts.js URL SCREENSHOT EXPECTED_CHARTS
const puppeteer = require('puppeteer-core');

const [url, screenshot, expected] = [process.argv[2], process.argv[3], Number(process.argv[4])];

(async () => {
  const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: 'new',
    args: ['--no-sandbox', '--disable-gpu'], defaultViewport: { width: 1280, height: 1000 } });
  try {
    const page = await browser.newPage();
    const requests = [];
    page.on('pageerror', e => console.log('page error:', e.message));
    page.on('response', r => { if (r.url().includes('plotly-')) requests.push(`${r.status()} ${new URL(r.url()).pathname}`); });
    await page.goto(url, { waitUntil: 'networkidle2' });
    await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded, { timeout: 120000 });
    const drawn = () => page.evaluate(() => document.querySelectorAll('.output_area .js-plotly-plot').length);
    await page.waitForFunction(n => document.querySelectorAll('.output_area .js-plotly-plot').length >= n, { timeout: 60000, polling: 200 }, expected)
      .catch(() => {});
    const seen = {
      trusted: await page.evaluate(() => Jupyter.notebook.trusted),
      charts: await drawn(),
      plotlyRequests: requests,
      errors: await page.evaluate(() => window.nnbPlotlyError || null),
    };
    // Notebook 6 scrolls inside its own panel: bring the first chart into the screenshot.
    await page.evaluate(() => { const chart = document.querySelector('.output_area .js-plotly-plot'); if (chart) chart.scrollIntoView(); });
    await page.screenshot({ path: screenshot });
    console.log(JSON.stringify(seen, null, 1));
    const ok = seen.charts === expected;
    console.log(ok ? `notebook 6 charts: ${seen.charts} of ${expected} drawn` : `FAILED: notebook 6 charts: ${seen.charts} of ${expected} drawn`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await browser.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
