"""Embeddings for the corpus's words from the contexts they share with the grammar's (vocabulary expansion).

    PYTHONPATH=. python docs/research/vocabulary_expansion.py --corpus TRAIN --checkpoint RUN --out DIR [--mix ...]

Not part of the package (docs/model.md, the dated table). A reader's first stage learns the grammar's ~2,700
words from millions of generated tokens; the corpus stage adds the ~5,100 words that only people's stories use,
each starting as `<unk>`'s row (model.train.warm_start), and a word used in a handful of stories is read a few
dozen times in the stage: it stays close to `<unk>`. Skip-Thought (Kiros et al. 2015) met the same gap and
filled it by fitting a linear map from word2vec's space to the encoder's embedding on the words both know, then
mapping every other word through it. Here word2vec is trained on this run's own training text only (the corpus
folder and generated cases; never a held-back, development or authored story): skip-gram with negative sampling
(Mikolov et al. 2013), then a ridge map from its vectors to the reader's embedding, fitted on the grammar's words.

Prints the map's held-out fit and each probe word's nearest grammar words, then writes, for each `--mix` value
m, a copy of the reader in DIR/mix-m whose corpus words' embeddings are `mapped + m * (own - <unk>)`: m = 0 takes
the mapped embedding alone, m = 1 adds what the stage itself taught the word. Evaluate each copy with
`python benchmarks/readers.py authored --folder HELD_BACK --lstm DIR/mix-m`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from model.checkpoint import load_checkpoint, save_checkpoint
from model.corpus import corpus_stories
from model.tokenizer import SLOTS, SPECIALS, read_story
from model.training_data import reader_vocabulary
from story.generator import generate_cases

PROBES = ("southpaw", "cheroot", "blond", "limp", "spectacles", "alibi", "lied", "gloves", "whisky", "tall")


def training_text(corpus: Path, generated: int) -> list[list[str]]:
    """Token lists of the corpus folder's stories and of `generated` generated cases (default, hard, long), each
    suspect's slot token read as one `<s0>`: word2vec learns words, not casts."""
    stories = list(corpus_stories(corpus))
    for preset in ("default", "hard", "long"):
        stories += generate_cases(97, generated // 3, preset)
    slot = set(SLOTS)
    return [[SLOTS[0] if token in slot else token for token in read_story(story).tokens] for story in stories]


def skip_gram(
    texts: list[np.ndarray], vocab_size: int, dim: int, window: int, negatives: int, epochs: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Skip-gram with negative sampling over id arrays; returns the input vectors (V, dim) and each id's count."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    counts = np.bincount(np.concatenate(texts), minlength=vocab_size).astype(np.float64)
    noise = torch.tensor(counts**0.75 / (counts**0.75).sum(), dtype=torch.float32)
    frequency = counts / counts.sum()
    keep = np.minimum(1.0, np.sqrt(1e-4 / np.maximum(frequency, 1e-12)) + 1e-4 / np.maximum(frequency, 1e-12))
    centre_table = torch.nn.Embedding(vocab_size, dim, sparse=True)
    context_table = torch.nn.Embedding(vocab_size, dim, sparse=True)
    torch.nn.init.uniform_(centre_table.weight, -0.5 / dim, 0.5 / dim)
    torch.nn.init.zeros_(context_table.weight)
    optimiser = torch.optim.SparseAdam([centre_table.weight, context_table.weight], lr=0.003)
    for epoch in range(epochs):
        centres, contexts = [], []
        for ids in texts:
            kept = ids[rng.random(len(ids)) < keep[ids]]  # frequent words subsampled, as word2vec does
            for shift in range(1, window + 1):
                centres += [kept[:-shift], kept[shift:]]
                contexts += [kept[shift:], kept[:-shift]]
        centre, context = np.concatenate(centres), np.concatenate(contexts)
        order = rng.permutation(len(centre))
        total = 0.0
        for start in range(0, len(order), 8192):
            batch = order[start : start + 8192]
            c = centre_table(torch.from_numpy(centre[batch]))  # (B, D)
            positive = context_table(torch.from_numpy(context[batch]))  # (B, D)
            drawn = torch.multinomial(noise, len(batch) * negatives, replacement=True).view(len(batch), negatives)
            negative = context_table(drawn)  # (B, N, D)
            loss = -torch.nn.functional.logsigmoid((c * positive).sum(-1)).mean()
            loss = loss - torch.nn.functional.logsigmoid(-(negative @ c[:, :, None])[..., 0]).sum(-1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        print(f"skip-gram epoch {epoch + 1}: {len(order):,} pairs, loss {total / len(order):.3f}")
    return centre_table.weight.detach().numpy(), counts


def ridge_map(source: np.ndarray, target: np.ndarray, strength: float) -> np.ndarray:
    """The linear map (with a bias row) from `source` rows to `target` rows that ridge regression fits."""
    design = np.hstack([source, np.ones((len(source), 1))])
    penalty = strength * np.eye(design.shape[1])
    penalty[-1, -1] = 0.0
    return np.linalg.solve(design.T @ design + penalty, design.T @ target)


def apply_map(source: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    return np.hstack([source, np.ones((len(source), 1))]) @ mapping


def held_out_fit(source: np.ndarray, target: np.ndarray, strength: float, seed: int) -> float:
    """Mean cosine between mapped and true embeddings over a fifth of the anchor words left out of the fit."""
    order = np.random.default_rng(seed).permutation(len(source))
    test, train = order[: len(order) // 5], order[len(order) // 5 :]
    predicted = apply_map(source[test], ridge_map(source[train], target[train], strength))
    truth = target[test]
    cosine = (predicted * truth).sum(1) / (np.linalg.norm(predicted, axis=1) * np.linalg.norm(truth, axis=1))
    return float(cosine.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the story folder the run trained on")
    parser.add_argument("--checkpoint", type=Path, required=True, help="the reader whose embedding is mapped onto")
    parser.add_argument("--out", type=Path, required=True, help="folder for the readers with mapped embeddings")
    parser.add_argument("--mix", type=float, nargs="*", default=[0.0, 1.0])
    parser.add_argument("--generated", type=int, default=1500, help="generated cases in the word2vec text")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=3, help="a corpus word is mapped when used this often")
    parser.add_argument("--ridge", type=float, default=1.0)
    args = parser.parse_args()

    checkpoint = load_checkpoint(args.checkpoint)
    vocabulary = checkpoint.vocabulary
    embedding = checkpoint.weights["embed.weight"]  # (V, E)
    texts = [np.asarray(vocabulary.encode(tokens), np.int64) for tokens in training_text(args.corpus, args.generated)]
    print(f"word2vec text: {sum(len(t) for t in texts):,} tokens in {len(texts)} stories and cases")
    vectors, counts = skip_gram(texts, len(vocabulary), 64, 5, 5, args.epochs, seed=1)

    grammar = set(reader_vocabulary(vocabulary.lemmas).words) - set(SPECIALS)
    index = {word: i for i, word in enumerate(vocabulary.words)}
    anchors = np.array([index[w] for w in sorted(grammar) if w in index and counts[index[w]] >= 20])
    corpus_only = np.array([i for w, i in index.items() if w not in grammar and w not in SPECIALS])
    mapped_ids = corpus_only[counts[corpus_only] >= args.min_count]
    fit = held_out_fit(vectors[anchors], embedding[anchors], args.ridge, seed=1)
    print(f"anchors {len(anchors)} grammar words; corpus words {len(corpus_only)}, mapped {len(mapped_ids)}")
    print(f"held-out cosine of mapped to trained embeddings: {fit:.3f}")
    mapping = ridge_map(vectors[anchors], embedding[anchors], args.ridge)
    mapped = apply_map(vectors[mapped_ids], mapping)

    unknown = embedding[SPECIALS.index("<unk>")]
    normal = embedding[anchors] / np.linalg.norm(embedding[anchors], axis=1, keepdims=True)
    for probe in PROBES:
        (row,) = vocabulary.encode([probe])
        where = np.nonzero(mapped_ids == row)[0]
        if not len(where):
            print(f"  {probe}: not a mapped corpus word")
            continue
        vector = mapped[where[0]]
        nearest = anchors[np.argsort(-(normal @ (vector / np.linalg.norm(vector))))[:6]]
        print(f"  {probe} ({int(counts[row])}x): {', '.join(vocabulary.words[i] for i in nearest)}")

    for mix in args.mix:
        weights = dict(checkpoint.weights)
        table = embedding.copy()
        table[mapped_ids] = mapped + mix * (embedding[mapped_ids] - unknown)
        weights["embed.weight"] = table.astype(np.float32)
        folder = args.out / f"mix-{mix:g}"
        meta = {key: value for key, value in checkpoint.meta.items() if key not in ("format", "weights_sha256")}
        save_checkpoint(folder, weights, meta | {"vocabulary_expansion": {"mix": mix, "fit": fit}})
        print(f"wrote {folder}")
    (args.out / "expansion.json").write_text(json.dumps({"fit": fit, "mapped": len(mapped_ids)}))


if __name__ == "__main__":
    main()
