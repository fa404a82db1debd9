"""Prototype: read the case once per suspect (SELF/OTHER anonymised), shared weights, softmax over the cast.

Usage: python persuspect.py --arch lstm --hidden 128 --minutes 30 --tag lstm128
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from story import analyze
from story.data import Alibi, AlibiBroken, Evidence, Retraction, TraitStated
from story.generator import generate_case
from story.traits import CATALOGUE
from story.words import split_words

TRAITS = list(CATALOGUE)  # 7 traits
NT = len(TRAITS)
NCLS = 8  # max 7 values + unknown (class 7)
UNK_CLS = 7
VAL_IDX = {t: {v: i for i, v in enumerate(CATALOGUE[t].values)} for t in TRAITS}
CLS_MASK = torch.full((NT, NCLS), -1e9)
for ti, t in enumerate(TRAITS):
    CLS_MASK[ti, : len(CATALOGUE[t].values)] = 0.0
    CLS_MASK[ti, UNK_CLS] = 0.0

PAD, UNK, SELF, OTHER = 0, 1, 2, 3
PLACE = re.compile(r"^zzs(\d)zz$")


def placeholder_text(text: str, story) -> str:
    # Longest strings first; roles only after "the" (victim titles like "Colonel" must stay words).
    subs = []
    for j, s in enumerate(story.suspects):
        subs.append((len(s.name), re.compile(rf"\b{re.escape(s.name)}\b"), f"zzs{j}zz"))
        subs.append((len(s.role), re.compile(rf"(?<=\b[Tt]he ){re.escape(s.role)}\b", re.IGNORECASE), f"zzs{j}zz"))
    subs.sort(key=lambda x: -x[0])
    for _, pat, rep in subs:
        text = pat.sub(rep, text)
    return text


class Vocab:
    def __init__(self, words: list[str]):
        self.itos = ["<pad>", "<unk>", "<self>", "<other>"] + sorted(words)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, w: str) -> int:
        m = PLACE.match(w)
        if m:
            return -1 - int(m.group(1))  # suspect j -> -1-j
        return self.stoi.get(w, UNK)


def story_words(story) -> list[list[str]]:
    """Word lists: [intro, clue0, clue1, ...] with placeholders."""
    out = [split_words(placeholder_text(story.intro, story))]
    for c in story.clues:
        out.append(split_words(placeholder_text(c.text, story)))
    return out


def build_vocab(n: int = 3000) -> Vocab:
    words = set()
    for i in range(n):
        for diff in ("tiny", "easy", "default", "hard"):
            s = generate_case(10_000_000 + i, diff)
            for seg in story_words(s):
                for w in seg:
                    if not PLACE.match(w):
                        words.add(w)
    return Vocab(sorted(words))


def encode_case(story, vocab: Vocab) -> dict:
    """Base token ids (suspect j as -1-j) and per-token targets."""
    an = analyze(story)
    K = len(story.suspects)
    segs = story_words(story)
    ids = []
    ends = []
    for seg in segs:
        ids.extend(vocab.encode(w) for w in seg)
        ends.append(len(ids))
    T = len(ids)
    poss = np.ones((K, T), np.float32)
    selfp = np.full((K, T, NT), UNK_CLS, np.int64)
    evp = np.full((T, NT), UNK_CLS, np.int64)
    # standing states
    stated = {}  # (slot, trait) -> list of (id, value)
    evid = {}  # trait -> list of (id, value)
    by_id = {}
    prev_poss = np.ones(K, np.float32)
    cur_self = np.full((K, NT), UNK_CLS, np.int64)
    cur_ev = np.full(NT, UNK_CLS, np.int64)
    start = ends[0]
    for ci, clue in enumerate(story.clues):
        end = ends[ci + 1]
        # tokens before the last token of the clue: previous state
        poss[:, start:end - 1] = prev_poss[:, None]
        selfp[:, start:end - 1] = cur_self[:, None]
        evp[start:end - 1] = cur_ev[None]
        for f in clue.facts:
            if isinstance(f, TraitStated):
                stated.setdefault((f.suspect, f.trait), []).append((f.id, f.value))
                if f.id:
                    by_id[f.id] = ("s", (f.suspect, f.trait))
            elif isinstance(f, Evidence):
                evid.setdefault(f.trait, []).append((f.id, f.value))
                if f.id:
                    by_id[f.id] = ("e", f.trait)
            elif isinstance(f, Retraction):
                kind_key = by_id.get(f.fact_id)
                if kind_key:
                    kind, key = kind_key
                    pile = stated.get(key, []) if kind == "s" else evid.get(key, [])
                    pile[:] = [x for x in pile if x[0] != f.fact_id]
        cur_self = np.full((K, NT), UNK_CLS, np.int64)
        for (slot, trait), pile in stated.items():
            if pile:
                cur_self[slot, TRAITS.index(trait)] = VAL_IDX[trait][pile[-1][1]]
        cur_ev = np.full(NT, UNK_CLS, np.int64)
        for trait, pile in evid.items():
            if pile:
                cur_ev[TRAITS.index(trait)] = VAL_IDX[trait][pile[-1][1]]
        p = np.zeros(K, np.float32)
        p[list(an.steps[ci].possible)] = 1.0
        poss[:, end - 1] = p
        selfp[:, end - 1] = cur_self
        evp[end - 1] = cur_ev
        prev_poss = p
        start = end
    return dict(ids=np.array(ids, np.int64), K=K, T=T, poss=poss, selfp=selfp, evp=evp,
                culprit=story.culprit, md=an.memory_distance)


def collate(cases: list[dict]) -> dict:
    B = len(cases)
    Kmax = max(c["K"] for c in cases)
    Tmax = max(c["T"] for c in cases)
    R = sum(c["K"] for c in cases)
    x = np.zeros((R, Tmax), np.int64)
    poss = np.zeros((R, Tmax), np.float32)
    probe = np.full((R, Tmax, 2 * NT), UNK_CLS, np.int64)
    tmask = np.zeros((R, Tmax), np.float32)
    rb = np.zeros(R, np.int64)
    rk = np.zeros(R, np.int64)
    lens = np.zeros(B, np.int64)
    culprit = np.zeros(B, np.int64)
    castmask = np.zeros((B, Kmax), bool)
    r = 0
    for b, c in enumerate(cases):
        T, K = c["T"], c["K"]
        lens[b] = T
        culprit[b] = c["culprit"]
        castmask[b, :K] = True
        base = c["ids"]
        for k in range(K):
            row = np.where(base < 0, np.where(base == -1 - k, SELF, OTHER), base)
            x[r, :T] = row
            poss[r, :T] = c["poss"][k]
            probe[r, :T, :NT] = c["selfp"][k]
            probe[r, :T, NT:] = c["evp"]
            tmask[r, :T] = 1
            rb[r], rk[r] = b, k
            r += 1
    return {k: torch.from_numpy(v) for k, v in dict(
        x=x, poss=poss, probe=probe, tmask=tmask, rb=rb, rk=rk, lens=lens, culprit=culprit,
        castmask=castmask).items()} | {"B": B, "Kmax": Kmax, "Tmax": Tmax}


class Reader(nn.Module):
    def __init__(self, V, arch="lstm", emb=64, hidden=128):
        super().__init__()
        self.emb = nn.Embedding(V, emb, padding_idx=PAD)
        cls = nn.LSTM if arch == "lstm" else nn.RNN
        self.rnn = cls(emb, hidden, batch_first=True)
        self.poss = nn.Linear(hidden, 1)
        self.probe = nn.Linear(hidden, 2 * NT * NCLS)

    def forward(self, x, want_probe=True):
        h, _ = self.rnn(self.emb(x))
        pl = self.poss(h).squeeze(-1)
        pr = self.probe(h).view(*x.shape, 2 * NT, NCLS) + CLS_MASK.repeat(2, 1) if want_probe else None
        return pl, pr


def cast_logits(pl, batch):
    """(R,T) row logits -> (B,Kmax,T) with -inf outside the cast."""
    B, Kmax, T = batch["B"], batch["Kmax"], pl.shape[1]
    out = pl.new_full((B, Kmax, T), -1e9)
    out[batch["rb"], batch["rk"]] = pl
    return out


def losses(model, batch, w):
    pl, pr = model(batch["x"], want_probe=w["probe"] > 0)
    m = batch["tmask"]
    n = m.sum()
    bw = m * torch.where(batch["poss"] > 0.5, 1.0, w["neg"])
    bce = (F.binary_cross_entropy_with_logits(pl, batch["poss"], reduction="none") * bw).sum() / n
    cl = cast_logits(pl, batch)
    tgt = torch.zeros_like(cl)
    tgt[batch["rb"], batch["rk"]] = batch["poss"]
    s = tgt.sum(1, keepdim=True)
    tgt = tgt / s.clamp_min(1e-9)
    lsm = F.log_softmax(cl, 1)
    tm = (torch.arange(cl.shape[2])[None] < batch["lens"][:, None]).float()
    # KL to the oracle posterior (entropy subtracted), tokens where someone is cleared weighted up
    ent = (tgt * torch.log(tgt.clamp_min(1e-9))).sum(1)
    anyclr = ((tgt == 0) & batch["castmask"][:, :, None]).any(1)
    tw = tm * torch.where(anyclr, w["neg"], 1.0)
    ce = ((-(tgt * lsm).sum(1) + ent) * tw).sum() / tm.sum()
    total = w["bce"] * bce + w["ce"] * ce
    probe_l = torch.tensor(0.0)
    if pr is not None:
        tgt_p = batch["probe"]
        lp = F.cross_entropy(pr.reshape(-1, NCLS), tgt_p.reshape(-1), reduction="none").view(tgt_p.shape)
        wt = torch.where(tgt_p == UNK_CLS, w["unk"], 1.0) * m[..., None]
        probe_l = (lp * wt).sum() / wt.sum()
        total = total + w["probe"] * probe_l
    # train accuracy at last token
    last = batch["lens"] - 1
    fin = cl[torch.arange(batch["B"]), :, last]
    acc = (fin.argmax(1) == batch["culprit"]).float().mean()
    return total, dict(bce=bce.item(), ce=ce.item(), probe=probe_l.item(), acc=acc.item())


@torch.no_grad()
def evaluate(model, eval_cases, bs=32):
    model.eval()
    finals, mds, cleared_p, tvs, probe_acc = [], [], [], [], []
    for i in range(0, len(eval_cases), bs):
        cs = eval_cases[i:i + bs]
        batch = collate(cs)
        pl, pr = model(batch["x"])
        cl = cast_logits(pl, batch)
        prob = F.softmax(cl, 1)  # B,K,T
        tgt = torch.zeros_like(cl)
        tgt[batch["rb"], batch["rk"]] = batch["poss"]
        tgt = tgt / tgt.sum(1, keepdim=True).clamp_min(1e-9)
        tm = (torch.arange(cl.shape[2])[None] < batch["lens"][:, None]).float()
        last = batch["lens"] - 1
        B = batch["B"]
        fin = prob[torch.arange(B), :, last]
        finals.extend((fin.argmax(1) == batch["culprit"]).tolist())
        mds.extend(c["md"] for c in cs)
        # mean prob on cleared suspects (per cleared suspect-token), and TV distance to oracle
        clear = (tgt == 0) & batch["castmask"][:, :, None] & (tm[:, None] > 0)
        cleared_p.append((prob[clear].sum().item(), clear.sum().item()))
        tv = 0.5 * (prob - tgt).abs().sum(1)
        tvs.append(((tv * tm).sum().item(), tm.sum().item()))
        # probe accuracy on known cells
        pred = pr.argmax(-1)
        known = (batch["probe"] != UNK_CLS) & (batch["tmask"][..., None] > 0)
        probe_acc.append(((pred == batch["probe"])[known].sum().item(), known.sum().item()))
    model.train()
    finals = np.array(finals, float)
    mds = np.array(mds)
    thr = np.quantile(mds, 2 / 3)
    res = dict(acc=finals.mean(), acc_long=finals[mds >= thr].mean(),
               cleared_p=sum(a for a, _ in cleared_p) / sum(b for _, b in cleared_p),
               tv=sum(a for a, _ in tvs) / sum(b for _, b in tvs),
               probe=sum(a for a, _ in probe_acc) / max(1, sum(b for _, b in probe_acc)))
    for lo, hi in ((0, 100), (100, 200), (200, 300), (300, 10**9)):
        sel = (mds >= lo) & (mds < hi)
        res[f"acc_{lo}_{hi if hi < 10**9 else 'inf'}"] = finals[sel].mean() if sel.any() else float("nan")
        res[f"n_{lo}"] = int(sel.sum())
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="lstm")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--emb", type=int, default=64)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--bs", type=int, default=16)
    ap.add_argument("--w_bce", type=float, default=1.0)
    ap.add_argument("--w_ce", type=float, default=1.0)
    ap.add_argument("--w_probe", type=float, default=0.5)
    ap.add_argument("--w_neg", type=float, default=5.0)
    ap.add_argument("--w_unk", type=float, default=0.1)
    ap.add_argument("--curriculum", default="tiny,easy,default")
    ap.add_argument("--level_up", type=float, default=0.9)
    ap.add_argument("--eval_every", type=float, default=180)
    ap.add_argument("--n_eval", type=int, default=500)
    ap.add_argument("--tag", default="run")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    vocab = build_vocab(400)
    print(f"vocab {len(vocab.itos)} built in {time.time() - t0:.1f}s", flush=True)
    eval_cases = [encode_case(generate_case(900_000_000 + i, "default"), vocab) for i in range(args.n_eval)]
    print(f"eval set ready {time.time() - t0:.1f}s; mean T {np.mean([c['T'] for c in eval_cases]):.0f}", flush=True)
    model = Reader(len(vocab.itos), args.arch, args.emb, args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    w = dict(neg=args.w_neg, bce=args.w_bce, ce=args.w_ce, probe=args.w_probe, unk=args.w_unk)
    levels = args.curriculum.split(",")
    level = 0
    counters = {lv: 0 for lv in levels}
    seed_base = {lv: (i + 1) * 100_000_000 for i, lv in enumerate(levels)}
    csv_path = f"/tmp/proto/{args.tag}.csv"
    fh = open(csv_path, "w", newline="")
    writer = None
    hist = []
    tokens = 0
    train_time = 0.0
    data_time = 0.0
    last_eval = 0.0
    step = 0
    t_start = time.time()

    def do_eval():
        nonlocal writer
        te = time.time()
        res = evaluate(model, eval_cases)
        row = dict(wall_min=round(train_time / 60 + data_time / 60, 2), step=step, level=levels[level],
                   tokens=tokens, tok_s=round(tokens / max(train_time, 1e-9)),
                   **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in res.items()})
        if writer is None:
            writer = csv.DictWriter(fh, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)
        fh.flush()
        print("EVAL", json.dumps(row), f"(eval {time.time() - te:.1f}s)", flush=True)
        return res

    budget = args.minutes * 60
    while True:
        elapsed = train_time + data_time
        if elapsed - last_eval >= args.eval_every or step == 0:
            do_eval()
            last_eval = elapsed
        if elapsed >= budget:
            break
        td = time.time()
        cases = []
        for _ in range(args.bs):
            lv = level
            if level > 0 and rng.random() < 0.2:
                lv = int(rng.integers(0, level))
            name = levels[lv]
            s = generate_case(seed_base[name] + counters[name], name)
            counters[name] += 1
            cases.append(encode_case(s, vocab))
        batch = collate(cases)
        data_time += time.time() - td
        tt = time.time()
        loss, info = losses(model, batch, w)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        train_time += time.time() - tt
        tokens += int(batch["tmask"].sum())
        step += 1
        hist.append(info["acc"])
        if step % 25 == 0:
            ra = float(np.mean(hist[-25:]))
            print(f"step {step} lvl {levels[level]} t {(train_time + data_time) / 60:.1f}m loss {loss.item():.3f} "
                  f"bce {info['bce']:.3f} ce {info['ce']:.3f} probe {info['probe']:.3f} trainacc {ra:.3f} "
                  f"tok/s {tokens / train_time:.0f} data {data_time:.0f}s", flush=True)
            if level < len(levels) - 1 and len(hist) >= 25 and ra >= args.level_up:
                level += 1
                hist = []
                print(f"LEVEL UP -> {levels[level]} at {(train_time + data_time) / 60:.1f}m", flush=True)
    torch.save(model.state_dict(), f"/tmp/proto/{args.tag}.pt")
    print("done", flush=True)


if __name__ == "__main__":
    main()
