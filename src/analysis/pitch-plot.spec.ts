import { describe, expect, it } from 'vitest';
import { renderPitchPlot } from './pitch-plot.js';

describe(renderPitchPlot.name, () => {
  const result = {
    pitch: {
      reference: [
        { t: 0.1, hz: 120 },
        { t: 0.2, hz: 130 },
        { t: 0.3, hz: null },
        { t: 0.4, hz: 125 },
        { t: 0.5, hz: 118 },
      ],
      user: [
        { t: 0.15, hz: 210 },
        { t: 0.25, hz: 220 },
      ],
    },
    words: [{ text: '<b>&"안녕"', expected_start_ms: 100, start_ms: 150 }],
  };

  it('draws each contour as one path, broken where the voice stops', () => {
    const sut = renderPitchPlot(result, 'title');
    const paths = [...sut.matchAll(/<path d="([^"]*)"/g)].map((match) => match[1]!);
    expect(paths).toHaveLength(2);
    expect(paths[0]!.match(/M/g)).toHaveLength(2); // the unvoiced frame splits the actor's contour
    expect(paths[1]!.match(/M/g)).toHaveLength(1);
  });

  it('escapes word labels and titles', () => {
    const sut = renderPitchPlot(result, 'a < b & c');
    expect(sut).toContain('&lt;b&gt;&amp;&quot;안녕&quot;');
    expect(sut).toContain('<title>a &lt; b &amp; c</title>');
    expect(sut).not.toContain('<b>');
  });

  it('says so when the result has no pitch', () => {
    expect(renderPitchPlot({}, 't')).toContain('No pitch data');
  });
});
