// Opens the check notebook in Jupyter Notebook 6 (headless Chromium), runs all cells and checks what a person sees:
// C# keyword highlighting, live Fit progress, a probability table inside the column, a coloured exception and
// empty prompts on the cells Run All skipped. Prints the measurements; exits 1 when a check fails.
const puppeteer = require('puppeteer-core');

const url = process.argv[2];
const screenshot = process.argv[3];

(async () => {
  const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: 'new',
    args: ['--no-sandbox', '--disable-gpu'], defaultViewport: { width: 1280, height: 1000 } });
  try {
    const page = await browser.newPage();
    page.on('pageerror', e => console.log('page error:', e.message));
    await page.goto(url, { waitUntil: 'networkidle2' });
    await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel
      && Jupyter.notebook.kernel.info_reply && Jupyter.notebook.kernel.info_reply.language_info, { timeout: 120000 });
    // CodeMirror loads the mode asynchronously, then highlights again.
    await new Promise(r => setTimeout(r, 3000));
    await page.evaluate(() => {
      window.progressSeen = [];
      setInterval(() => {
        const el = document.querySelector('.nnb-fit-progress');
        if (!el) return;
        const text = el.innerText.replace(/\s+/g, ' ').trim();
        const seen = window.progressSeen;
        if (seen.length === 0 || seen[seen.length - 1] !== text) seen.push(text);
      }, 50);
      Jupyter.notebook.execute_all_cells();
    });
    await page.waitForFunction(() => {
      const failed = Jupyter.notebook.get_cell(4).output_area.outputs.some(o => o.output_type === 'error');
      return failed && ![...document.querySelectorAll('.input_prompt')].some(p => p.innerText.includes('*'));
    }, { timeout: 300000, polling: 200 });
    await new Promise(r => setTimeout(r, 1000));
    const seen = await page.evaluate(() => {
      const cell = i => Jupyter.notebook.get_cell(i).element[0];
      const area = cell(3).querySelector('.output_subarea');
      const error = cell(4).querySelector('.output_error');
      return {
        keywords: [...cell(1).querySelectorAll('.CodeMirror .cm-keyword')].map(s => s.innerText),
        prompts: Jupyter.notebook.get_cells().map(c => c.element[0].querySelector('.input_prompt').innerText.replace(/\s+/g, ' ').trim()),
        progress: window.progressSeen,
        column: area.clientWidth,
        scrollWidth: area.scrollWidth,
        colouredError: error ? [...error.querySelectorAll('span[class^="ansi-"]')].map(s => `${s.className}:${s.innerText}`) : [],
      };
    });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(JSON.stringify(seen, null, 1));

    const failures = [];
    const check = (ok, what) => { if (!ok) failures.push(what); };
    for (const keyword of ['var', 'for', 'await', 'new'])
      check(seen.keywords.includes(keyword), `C# keyword '${keyword}' is not highlighted`);
    check(seen.prompts[5] === 'In [ ]:' && seen.prompts[6] === 'In [ ]:', `skipped cells show ${seen.prompts.slice(5)}`);
    check(seen.progress.filter(t => t.includes('training')).length >= 2, 'the fit showed fewer than two live updates');
    check(seen.progress.length > 0 && seen.progress[seen.progress.length - 1].includes('done'), 'the fit did not end in its final state');
    check(seen.scrollWidth <= seen.column, `the probability table scrolls (${seen.scrollWidth} px in a ${seen.column} px column)`);
    check(seen.colouredError.some(s => s.startsWith('ansi-red-fg:DivideByZeroException')), 'the exception type is not red');
    for (const failure of failures) console.log('FAILED:', failure);
    console.log(failures.length === 0 ? 'notebook 6 check: all passed' : `notebook 6 check: ${failures.length} failed`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    await browser.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
