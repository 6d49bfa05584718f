import { readFileSync } from 'node:fs';

export type Behaviour = 'song' | 'hang' | 'hang-ignoring-sigterm' | 'crash' | 'no-song';

/**
 * A stand-in for YuE's inference/infer.py: the same argparse flags (unknown ones rejected, as argparse does), reads
 * genre and lyrics as infer.py does, prints tqdm bars and stage markers as it does, and writes `*_mixed.mp3`
 * files named after the genre where YuE writes them, with ffmpeg. It records what it was given in record.json.
 */
export const standIn = (behaviour: Behaviour, ffmpegPath: string) => `
import argparse, json, os, signal, subprocess, sys, time
parser = argparse.ArgumentParser()
parser.add_argument("--stage1_model", type=str, default="m-a-p/YuE-s1-7B-anneal-en-cot")
parser.add_argument("--stage2_model", type=str, default="m-a-p/YuE-s2-1B-general")
parser.add_argument("--max_new_tokens", type=int, default=3000)
parser.add_argument("--repetition_penalty", type=float, default=1.1)
parser.add_argument("--run_n_segments", type=int, default=2)
parser.add_argument("--stage2_batch_size", type=int, default=4)
parser.add_argument("--genre_txt", type=str, required=True)
parser.add_argument("--lyrics_txt", type=str, required=True)
parser.add_argument("--output_dir", type=str, default="./output")
parser.add_argument("--cuda_idx", type=int, default=0)
parser.add_argument("--seed", type=int, default=42)
args = parser.parse_args()
behaviour = ${JSON.stringify(behaviour)}
here = os.path.dirname(os.path.abspath(__file__))
with open(args.genre_txt) as f:
    raw_genre = f.read()
genres = raw_genre.strip()
with open(args.lyrics_txt) as f:
    lyrics = f.read()
with open(os.path.join(here, "record.json"), "w") as f:
    json.dump({"argv": sys.argv[1:], "cwd": os.getcwd(), "genre": raw_genre, "lyrics": lyrics,
               "unbuffered": os.environ.get("PYTHONUNBUFFERED")}, f)

def bar(desc, n, total):
    sys.stderr.write("\\r%s%3d%%|%s| %d/%d [00:01<00:01, 1.00it/s]" % (desc, 100 * n // total, "#" * n, n, total))
    sys.stderr.flush()
    time.sleep(0.06)

if behaviour.startswith("hang"):
    if behaviour == "hang-ignoring-sigterm":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen(["sleep", "60"])
    bar("Stage1 inference...: ", 0, 3)
    with open(os.path.join(here, "pids.json"), "w") as f:
        json.dump({"python": os.getpid(), "sleep": child.pid}, f)
    time.sleep(60)

for n in range(4):
    bar("Stage1 inference...: ", n, 3)
sys.stderr.write("\\n")
if behaviour == "crash":
    print("Section 1: output length 17000 exceeding context length 13383, now using the last 13383 tokens.")
    raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
print("Stage 2 inference...")
for n in range(3):
    bar("", n, 2)
sys.stderr.write("\\n")
print("Stage 2 DONE.\\n")
if behaviour == "no-song":
    sys.exit(0)

name = f"{genres.replace(' ', '-')}_tp0@93_T1@0_rp1@1_maxtk{args.max_new_tokens}_0b9f_mixed.mp3"
def mp3(folder, seconds):
    os.makedirs(folder, exist_ok=True)
    subprocess.run([${JSON.stringify(ffmpegPath)}, "-hide_banner", "-loglevel", "error", "-f", "lavfi",
                    "-i", "sine=frequency=440:duration=%d" % seconds, "-ac", "2", "-ar", "44100", "-b:a", "128k",
                    "-y", os.path.join(folder, name)], check=True)
mp3(os.path.join(args.output_dir, "recons", "mix"), 1)
time.sleep(0.05)
mp3(os.path.join(args.output_dir, "vocoder", "mix"), 3)
print("Created mix: " + os.path.join(args.output_dir, "vocoder", "mix", name))
`;

/** Alive and not a zombie left for a parent that will never reap it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
