import { expect } from 'vitest';
import type { Transcript } from '../../src/engines/speech-to-text/speech-to-text.engine.js';
import { SseClient } from './sse-client.js';
import { json, type TestApp } from './test-app.js';

/** generate-url, then the bytes PUT to the presigned URL as a browser would; returns the key. */
export async function uploadVideo(t: TestApp, headers: Record<string, string>, bytes: Buffer, filename = 'talk.mp4', filetype = 'video/mp4') {
  const response = await t.fetch('/api/upload-video/generate-url', json({ filename, filetype }, { headers }));
  expect(response.status, await response.clone().text()).toBe(200);
  const { url, fileKey } = (await response.json()) as { url: string; fileKey: string };
  const put = await fetch(url, { method: 'PUT', headers: { 'content-type': filetype }, body: bytes });
  expect(put.status, await put.clone().text()).toBe(200);
  return { url, fileKey };
}

export async function requestProcess(t: TestApp, headers: Record<string, string>, fileKey: string) {
  return t.fetch('/api/upload-video/request-process', json({ fileKey }, { headers }));
}

/** Follows a job's SSE progress to its end; returns every frame. */
export async function followProgress(t: TestApp, headers: Record<string, string>, jobId: string, timeoutMs = 60_000) {
  const stream = await SseClient.open(`${t.baseUrl}/api/upload-video/progress/${jobId}`, headers);
  expect(stream.status).toBe(200);
  await stream.finished(timeoutMs);
  return stream.json<{ job_id: string; status: string; progress: number; message: string | null; error?: { code: string; message: string } }>();
}

/** A minimal SubRip/WebVTT reader: cues with times and text, failing on anything malformed. */
export function parseSubtitles(text: string, format: 'srt' | 'vtt'): Array<{ start: number; end: number; text: string }> {
  const separator = format === 'srt' ? ',' : '\\.';
  const timing = new RegExp(`^(\\d{2}):(\\d{2}):(\\d{2})${separator}(\\d{3}) --> (\\d{2}):(\\d{2}):(\\d{2})${separator}(\\d{3})$`);
  const blocks = text.replace(/\r\n/g, '\n').trim().split(/\n\n+/);
  if (format === 'vtt') expect(blocks.shift()).toBe('WEBVTT');
  return blocks.map((block, index) => {
    const lines = block.split('\n');
    if (format === 'srt') expect(lines.shift(), `cue ${index + 1} number`).toBe(String(index + 1));
    const match = timing.exec(lines.shift() ?? '');
    expect(match, `cue ${index + 1} timing`).not.toBeNull();
    const seconds = (h: string, m: string, s: string, ms: string) => Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
    const [, h1, m1, s1, ms1, h2, m2, s2, ms2] = match!;
    expect(lines.length, `cue ${index + 1} text`).toBeGreaterThan(0);
    return { start: seconds(h1!, m1!, s1!, ms1!), end: seconds(h2!, m2!, s2!, ms2!), text: lines.join('\n') };
  });
}

/** The subtitles are valid, in order, and say what the transcript's segments say. */
export async function expectValidSubtitles(t: TestApp, headers: Record<string, string>, jobId: string, transcript: Transcript) {
  for (const format of ['srt', 'vtt'] as const) {
    const response = await t.fetch(`/api/upload-video/result/${jobId}.${format}`, { headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(format === 'srt' ? 'application/x-subrip' : 'text/vtt');
    const cues = parseSubtitles(await response.text(), format);
    expect(cues.map((cue) => cue.text)).toEqual(transcript.segments.map((segment) => segment.text));
    let previousEnd = 0;
    for (const [index, cue] of cues.entries()) {
      expect(cue.start, `cue ${index + 1}`).toBeGreaterThanOrEqual(previousEnd);
      expect(cue.end).toBeGreaterThanOrEqual(cue.start);
      expect(cue.start).toBeCloseTo(transcript.segments[index]!.start, 2);
      previousEnd = cue.end;
    }
  }
}

/** Every word lies inside its segment, segments in order. */
export function expectWordsInsideSegments(transcript: Transcript) {
  expect(transcript.segments.length).toBeGreaterThan(0);
  let previousStart = 0;
  for (const segment of transcript.segments) {
    expect(segment.start).toBeGreaterThanOrEqual(previousStart);
    previousStart = segment.start;
    expect(segment.words.length).toBeGreaterThan(0);
    for (const word of segment.words) {
      expect(word.start, `${word.word} in "${segment.text}"`).toBeGreaterThanOrEqual(segment.start);
      expect(word.end, `${word.word} in "${segment.text}"`).toBeLessThanOrEqual(segment.end);
    }
  }
}
