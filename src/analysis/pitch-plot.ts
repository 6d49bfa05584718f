interface PitchPoint {
  t: number;
  hz: number | null;
}

interface PlottedWord {
  text?: string;
  expected_start_ms?: number;
  start_ms?: number | null;
}

export interface PlotInput {
  pitch?: { reference?: PitchPoint[]; user?: PitchPoint[] };
  words?: PlottedWord[];
}

const WIDTH = 960;
const HEIGHT = 360;
const MARGIN = { left: 56, right: 16, top: 40, bottom: 56 };
const COLORS = { reference: '#2563eb', user: '#ea580c', grid: '#e5e7eb', text: '#374151' };

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[character]!);
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The actor's and the user's pitch contours on one time axis (seconds; pitch on a log scale, as the ear hears
 * it), with the actor's word starts above and where the user started each word below. Plain SVG, no library.
 */
export function renderPitchPlot(result: PlotInput, title: string): string {
  const reference = (result.pitch?.reference ?? []).filter((point) => finite(point.t));
  const user = (result.pitch?.user ?? []).filter((point) => finite(point.t));
  const words = result.words ?? [];
  const voiced = [...reference, ...user].map((point) => point.hz).filter((hz): hz is number => finite(hz) && hz > 0);
  const times = [
    ...reference.map((point) => point.t),
    ...user.map((point) => point.t),
    ...words.flatMap((word) => [word.expected_start_ms, word.start_ms].filter(finite).map((ms) => ms / 1000)),
  ];
  const maxTime = Math.max(1, ...times);
  const low = Math.max(40, Math.min(...voiced, 200) * 0.9);
  const high = Math.min(1000, Math.max(...voiced, 250) * 1.1);

  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (seconds: number) => MARGIN.left + (seconds / maxTime) * plotWidth;
  const y = (hz: number) => MARGIN.top + plotHeight - (Math.log(hz / low) / Math.log(high / low)) * plotHeight;
  const contour = (points: PitchPoint[]) => {
    let path = '';
    let drawing = false;
    for (const point of points) {
      if (!finite(point.hz) || point.hz <= 0) {
        drawing = false;
        continue;
      }
      path += `${drawing ? 'L' : 'M'}${x(point.t).toFixed(1)},${y(Math.min(high, Math.max(low, point.hz))).toFixed(1)}`;
      drawing = true;
    }
    return path;
  };

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" fill="${COLORS.text}">${escapeXml(title)}</text>`,
  ];
  const step = maxTime > 20 ? 5 : maxTime > 8 ? 2 : maxTime > 3 ? 1 : 0.5;
  for (let t = 0; t <= maxTime + 1e-9; t += step) {
    parts.push(
      `<line x1="${x(t).toFixed(1)}" y1="${MARGIN.top}" x2="${x(t).toFixed(1)}" y2="${MARGIN.top + plotHeight}" stroke="${COLORS.grid}"/>`,
      `<text x="${x(t).toFixed(1)}" y="${HEIGHT - 34}" text-anchor="middle" fill="${COLORS.text}">${t.toFixed(step < 1 ? 1 : 0)} s</text>`,
    );
  }
  for (const hz of [60, 100, 150, 200, 300, 400, 600, 800].filter((value) => value >= low && value <= high)) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(hz).toFixed(1)}" x2="${WIDTH - MARGIN.right}" y2="${y(hz).toFixed(1)}" stroke="${COLORS.grid}"/>`,
      `<text x="${MARGIN.left - 6}" y="${(y(hz) + 4).toFixed(1)}" text-anchor="end" fill="${COLORS.text}">${hz} Hz</text>`,
    );
  }
  for (const word of words) {
    const label = escapeXml(String(word.text ?? ''));
    if (finite(word.expected_start_ms)) {
      const at = x(word.expected_start_ms / 1000).toFixed(1);
      parts.push(
        `<line x1="${at}" y1="${MARGIN.top}" x2="${at}" y2="${MARGIN.top + plotHeight}" stroke="${COLORS.reference}" stroke-dasharray="4 3" stroke-opacity="0.6"/>`,
        `<text x="${at}" y="${MARGIN.top - 6}" fill="${COLORS.reference}">${label}</text>`,
      );
    }
    if (finite(word.start_ms)) {
      const at = x(word.start_ms / 1000).toFixed(1);
      parts.push(
        `<line x1="${at}" y1="${MARGIN.top}" x2="${at}" y2="${MARGIN.top + plotHeight}" stroke="${COLORS.user}" stroke-dasharray="2 3" stroke-opacity="0.6"/>`,
        `<text x="${at}" y="${MARGIN.top + plotHeight + 14}" fill="${COLORS.user}">${label}</text>`,
      );
    }
  }
  parts.push(
    `<path d="${contour(reference)}" fill="none" stroke="${COLORS.reference}" stroke-width="2"/>`,
    `<path d="${contour(user)}" fill="none" stroke="${COLORS.user}" stroke-width="2"/>`,
    `<text x="${MARGIN.left}" y="${HEIGHT - 10}" fill="${COLORS.reference}">━ original actor</text>`,
    `<text x="${MARGIN.left + 140}" y="${HEIGHT - 10}" fill="${COLORS.user}">━ your recording</text>`,
  );
  if (voiced.length === 0) {
    parts.push(`<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" fill="${COLORS.text}">No pitch data in this result</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
