// The baseline for bench/token-read.mjs: bare node:http + pg answering GET /tokens/:id with the SQL the service
// runs (handed over in TOKEN_SQL) and the same JSON shape, and nothing else.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const sql = process.env.TOKEN_SQL;
const seconds = (value) => Math.round(value * 1000) / 1000;

function hydrate(rows) {
  const first = rows[0];
  const scripts = new Map();
  for (const row of rows) {
    if (row.script_id === null) continue;
    let script = scripts.get(row.script_id);
    if (!script) {
      script = {
        id: row.script_id,
        token_id: row.script_token_id,
        order: row.script_order,
        text: row.script_text,
        start_time: seconds(row.script_start_time),
        end_time: seconds(row.script_end_time),
        words: [],
      };
      scripts.set(row.script_id, script);
    }
    if (row.word_id !== null) {
      script.words.push({
        id: row.word_id,
        order: row.word_order,
        word: row.word_word,
        start_time: seconds(row.word_start_time),
        end_time: seconds(row.word_end_time),
        probability: row.word_probability,
      });
    }
  }
  return {
    id: first.token_id,
    title: first.token_title,
    actor: { id: first.actor_id, name: first.actor_name },
    url: first.url_id === null ? null : { id: first.url_id, url: first.url_url, youtube_id: first.url_youtube_id, title: first.url_title, created_at: first.url_created_at.toISOString() },
    start_time: seconds(first.token_start_time),
    end_time: seconds(first.token_end_time),
    duration: seconds(first.token_end_time - first.token_start_time),
    language: first.token_language,
    tags: first.token_tags,
    has_audio: first.token_audio_key !== null,
    audio_url: first.token_audio_key !== null ? `/tokens/${first.token_id}/audio` : null,
    created_at: first.token_created_at.toISOString(),
    scripts: [...scripts.values()],
  };
}

createServer(async (req, res) => {
  const match = /^\/tokens\/(\d+)$/.exec(req.url ?? '');
  if (!match) return res.writeHead(404).end();
  const { rows } = await pool.query(sql, [Number(match[1])]);
  if (rows.length === 0) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(hydrate(rows)));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
