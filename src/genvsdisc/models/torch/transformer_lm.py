"""``transformer_lm``: a tiny decoder-only transformer, conditioned by a class token.

A GPT in miniature (Radford et al. 2018; after karpathy/nanoGPT), trained
from scratch on the training documents. Every training window starts with
the token of its document's class (whose embedding is also added at every
position, see :class:`TinyGPT`), so the network learns p(w_i | class,
w_<i); a document starts with ``<s>`` and ends with ``</s>``.

Documents longer than the context are cut into consecutive chunks of
``block_size`` tokens, each read after its class token only (training uses
windows at random offsets, so the model knows such chunks). The document's
log-likelihood is the sum over its chunks: an exact log-probability under
this chunked model -- the context resets at chunk borders -- for the token
sequence in which rare words share ``<unk>``. Classification compares it
across class tokens (Bayes' rule with the class prior: the weighted training
shares, or ``priors``); ``sample`` continues a prompt after a class token.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from numbers import Integral

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils._param_validation import Interval
from torch import nn

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative.text_lm import (
    BOS,
    EOS,
    TextLMClassifier,
    Vocabulary,
    tokenize,
)
from genvsdisc.models.params import POSITIVE_INT, POSITIVE_REAL
from genvsdisc.models.torch._params import RUNTIME_CONSTRAINTS, fraction
from genvsdisc.models.torch._runtime import configure_threads
from genvsdisc.models.torch._training import TorchEstimatorMixin
from genvsdisc.models.torch._weights import kept_rows, loss_weights

__all__ = ["TransformerConfig", "TinyGPT", "TransformerLMClassifier"]


@dataclass
class TransformerConfig:
    """Hyper-parameters of :class:`TransformerLMClassifier` (defaults: bbc_news in minutes on CPU).

    Why no dropout and 3,000 words: on bbc_news (stratified 70/30 split,
    seed 0, 8 epochs) dropping dropout 0.1 makes a training step about 20 %
    cheaper on CPU, and the model, a few hundred thousand weights against
    ~650k training tokens, does not overfit in 8 epochs; the saved time pays
    for 3,000 instead of 2,000 words, so fewer topic words become ``<unk>``
    (which is never generated). The share of 500 samples (60 words, no
    prompt, temperature 1) that the tf-idf ``logreg`` judge assigns to the
    intended class rose from 89.6 % to 91.2 % at about the same training
    time; test accuracy 97.6 % -> 98.2 %. Dropout 0 with 2,000 words and 10
    epochs gave 91.0 %; 4,000 words and 7 epochs 89.8 %.
    """

    n_layer: int = 2  # transformer blocks
    n_head: int = 4  # attention heads per block
    n_embd: int = 96  # width of the residual stream; must divide by n_head
    block_size: int = 64  # context length in tokens, class token included
    dropout: float = 0.0  # dropout on attention weights and residual branches
    max_vocab: int = 3000  # most frequent training words kept; the rest become <unk>
    epochs: int = 8  # passes over the training tokens
    batch_size: int = 32  # windows per optimiser step
    lr: float = 3e-3  # peak AdamW learning rate (warm-up, cosine decay)


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.n_head, self.dropout = cfg.n_head, cfg.dropout
        self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)
        self.resid_drop = nn.Dropout(cfg.dropout)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        # (B, nh, T, hs); the causal mask keeps each token from seeing the future
        drop = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=drop, is_causal=True)
        return self.resid_drop(self.proj(y.transpose(1, 2).reshape(B, T, C)))


class Block(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(cfg.n_embd), nn.LayerNorm(cfg.n_embd)
        self.attn = CausalSelfAttention(cfg)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.n_embd, 4 * cfg.n_embd),
            nn.GELU(),
            nn.Linear(4 * cfg.n_embd, cfg.n_embd),
            nn.Dropout(cfg.dropout),
        )

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class TinyGPT(nn.Module):
    """Token ids (B, T) -> next-token logits over the V words (B, T, V).

    Ids ``V .. V+K-1`` are the K class tokens: they can be read, never predicted.
    Every sequence starts with one, and its embedding is also added at every
    position (like BERT's segment embedding), so the class steers each word
    from the first layer on rather than only through attention to position 0.
    On bbc_news, at the same training budget (4 epochs), this lowered the training loss
    (4.11 against 4.15 nats per token) and raised the share of 200 samples
    that the tf-idf judge assigned to their intended class from 76 % to 81 %.
    """

    def __init__(self, vocab_size: int, n_classes: int, cfg: TransformerConfig):
        super().__init__()
        self.vocab_size, self.block_size = vocab_size, cfg.block_size
        self.tok_emb = nn.Embedding(vocab_size + n_classes, cfg.n_embd)
        self.pos_emb = nn.Embedding(cfg.block_size, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(T, device=idx.device))  # (B, T, C)
        x = self.drop(x + self.tok_emb(idx[:, :1]))  # idx[:, 0] is the class token
        for block in self.blocks:
            x = block(x)  # (B, T, C)
        # Output weights tied to the word embeddings (rows 0..V-1), as in GPT-2.
        return self.ln_f(x) @ self.tok_emb.weight[: self.vocab_size].T  # (B, T, V)


class TransformerLMClassifier(TorchEstimatorMixin, TextLMClassifier):
    """Tiny decoder-only transformer language model, one class token per class.

    Parameters
    ----------
    n_layer, n_head, n_embd, block_size, dropout, max_vocab, epochs, batch_size, lr
        See :class:`TransformerConfig`.
    min_count : int, default=2
        Words seen fewer times in training become ``<unk>``.
    priors : array-like (K,) or None, default=None
        Class probabilities p(y) in the order of ``classes_`` (as
        ``GaussianNB(priors=...)``), used by Bayes' rule and by
        ``sample(y=None)``; None learns them from the (weighted) class shares.
    device : {"auto", "cpu", "cuda"}, default="auto"
    random_state : int or None, default=0
    verbose : bool or None, default=None

    Attributes
    ----------
    classes_ : ndarray (K,)
    class_count_ : ndarray (K,)
        Weighted number of training documents of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y): ``priors`` when given, else the class shares.
    vocabulary_ : Vocabulary
    module_ : TinyGPT
        The trained network; ``loss_curve_`` holds the mean loss per epoch.

    Notes
    -----
    ``fit(docs, y, sample_weight=w)`` counts a document's words ``w`` times
    in the vocabulary (``min_count``, ``max_vocab``) and scales the loss of
    each of its windows by ``w`` over the mean window weight; a document of
    weight 0 is dropped before anything reads it, so it equals leaving it
    out. Integer weights equal repeated documents in expectation, not bit
    for bit (see :mod:`genvsdisc.models.torch._weights`).

    Examples
    --------
    >>> docs = ["the match ended in a draw", "shares fell on the market"] * 20
    >>> lm = TransformerLMClassifier(epochs=1, n_embd=16, min_count=1)
    >>> lm = lm.fit(docs, ["sport", "business"] * 20)
    >>> texts, labels = lm.sample(2, y="sport", random_state=0, prompt="the")
    >>> texts.shape
    (2,)
    """

    supports_sample_weight = True
    _grad_clip = 1.0  # the gradient-norm cap nanoGPT trains with
    _config_class = TransformerConfig
    _parameter_constraints = {
        **TextLMClassifier._parameter_constraints,
        "n_layer": POSITIVE_INT,
        "n_head": POSITIVE_INT,
        "n_embd": POSITIVE_INT,  # and a multiple of n_head: _check_params
        "block_size": [Interval(Integral, 2, None, closed="left")],
        "dropout": fraction(0.9),
        "max_vocab": [Interval(Integral, 4, None, closed="left")],
        "epochs": POSITIVE_INT,
        "batch_size": POSITIVE_INT,
        "lr": POSITIVE_REAL,
        "priors": ["array-like", None],
        **RUNTIME_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        n_layer=TransformerConfig.n_layer,
        n_head=TransformerConfig.n_head,
        n_embd=TransformerConfig.n_embd,
        block_size=TransformerConfig.block_size,
        dropout=TransformerConfig.dropout,
        max_vocab=TransformerConfig.max_vocab,
        epochs=TransformerConfig.epochs,
        batch_size=TransformerConfig.batch_size,
        lr=TransformerConfig.lr,
        min_count=2,
        priors=None,
        device="auto",
        random_state=0,
        verbose=None,
    ):
        self.n_layer = n_layer
        self.n_head = n_head
        self.n_embd = n_embd
        self.block_size = block_size
        self.dropout = dropout
        self.max_vocab = max_vocab
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.min_count = min_count
        self.priors = priors
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self, *names):
        """The parameter table, then ``n_embd`` divisible by ``n_head`` (equal head widths)."""
        super()._check_params(*names)
        if not names and self.n_embd % self.n_head:
            raise ParameterError(
                f"The 'n_embd' parameter of TransformerLMClassifier ({self.n_embd}) must be a "
                f"multiple of 'n_head' ({self.n_head})."
            )

    def _build_module(self, arch: dict) -> TinyGPT:
        return TinyGPT(arch["vocab_size"], arch["n_classes"], TransformerConfig(**arch["config"]))

    def _sequence(self, doc_tokens) -> list[int]:
        """``<s>`` + word ids + ``</s>``."""
        v = self.vocabulary_
        return [v.index[BOS], *v.encode(doc_tokens), v.index[EOS]]

    # ---------------------------------------------------------------- fit
    def _fit_weighted(self, docs, R):
        """Train on the documents with their class tokens; ``R`` (n, K) is one-hot times weights.

        Documents of weight 0 are dropped first; the others count their words
        that many times in the vocabulary and scale their windows' losses.
        """
        cfg = self._config()
        keep = kept_rows(R.sum(1))
        if keep is not None:
            docs, R = np.asarray(docs, dtype=object)[keep], R[keep]
        counts = R.sum(0)
        self._check_every_class_weighted(counts)
        weights = R.sum(1)
        factors = loss_weights(weights)  # None when every document weighs the same
        tokens = [tokenize(d) for d in docs]
        unit = bool((weights == 1).all())  # the unweighted fit, counted as before
        self.vocabulary_ = Vocabulary.fit(
            tokens, self.min_count, cfg.max_vocab, weights=None if unit else weights
        )
        # The learned shares as before weights existed, so seeded outputs keep every bit.
        self._set_class_prior(counts, learned_log_prior=np.log(counts / counts.sum()))
        seqs = [self._sequence(t) for t in tokens]
        V, K = len(self.vocabulary_), R.shape[1]
        arch = {"vocab_size": V, "n_classes": K, "config": asdict(cfg)}
        # One window per block_size tokens of each document; each epoch shifts it randomly.
        B = cfg.block_size
        starts = [(d, o) for d, s in enumerate(seqs) for o in range(0, max(1, len(s) - 1), B)]
        starts = np.asarray(starts, dtype=np.int64)  # (windows, 2): document, offset
        if factors is not None:  # a window weighs what its document weighs
            factors = loss_weights(weights[starts[:, 0]])
        self._fit_network(arch, cfg, (seqs, R.argmax(1), starts, factors), len(starts))

    def _optimiser(self, net, cfg: TransformerConfig, total_steps: int):
        # Weight decay on the linear layers' matrices only; embeddings, biases, norms: none.
        decay = [p for n, p in net.named_parameters() if p.dim() >= 2 and "emb" not in n]
        rest = [p for n, p in net.named_parameters() if not (p.dim() >= 2 and "emb" not in n)]
        opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
            lr=cfg.lr,
        )
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=cfg.lr, total_steps=total_steps, pct_start=0.1
        )
        return opt, sched

    def _batch_loss(self, net, cfg: TransformerConfig, data, idx, gen) -> torch.Tensor:
        """Next-token cross-entropy of the windows ``idx``, each shifted by a random offset."""
        seqs, y_idx, starts, factors = data
        B, V = cfg.block_size, self.arch_["vocab_size"]
        device = net.tok_emb.weight.device
        shift = torch.randint(0, B, (len(idx),), generator=gen).numpy()
        x, t = _windows(seqs, y_idx, starts[idx.numpy()], shift, B, V)  # (b, B) each
        logits = net(x.to(device))  # (b, B, V)
        t = t.to(device)
        if factors is None:
            return F.cross_entropy(logits.reshape(-1, V), t.reshape(-1), ignore_index=-100)
        # The mean over target tokens, each token scaled by its window's factor.
        ce = F.cross_entropy(logits.reshape(-1, V), t.reshape(-1), reduction="none")
        per_token = ce.view_as(t) * factors[idx].to(device)[:, None]  # (b, B), 0 where ignored
        return per_token.sum() / (t >= 0).sum()

    # ------------------------------------------------------------ predict
    @torch.no_grad()
    def _joint_log_likelihood(self, docs):
        """log p(doc, y=k), shape (n, K): sum over chunks of log p(chunk | class token)."""
        net, device = self.module_.eval(), self._device()
        configure_threads()
        B, V, K = self.arch_["config"]["block_size"], self.arch_["vocab_size"], len(self.classes_)
        out = np.zeros((len(docs), K))
        chunks = [
            (i, s[o : o + B])
            for i, d in enumerate(docs)
            for s in [self._sequence(tokenize(d))]
            for o in range(0, len(s), B)
        ]
        for start in range(0, len(chunks), 256):
            part = chunks[start : start + 256]
            doc_of = np.array([i for i, _ in part])
            for k in range(K):
                x, t = _pack([c for _, c in part], V + k, B)
                logp = torch.log_softmax(net(x.to(device)).double(), -1)
                ll = logp.gather(-1, t.clamp(min=0).to(device)[..., None])[..., 0]
                ll = (ll * (t >= 0).to(device)).sum(1).cpu().numpy()
                np.add.at(out[:, k], doc_of, ll)
        return out + self.class_log_prior_

    def _start(self, prompt_ids):
        return [self.vocabulary_.index[BOS], *prompt_ids]

    @torch.no_grad()
    def _next_probs(self, k, context):
        """Softmax of the last position's logits after the class token, (V,)."""
        net, device = self.module_.eval(), self._device()
        B, V = self.arch_["config"]["block_size"], self.arch_["vocab_size"]
        ctx = torch.tensor([[V + k, *context[-(B - 1) :]]], device=device)  # (1, <= B)
        return torch.softmax(net(ctx)[0, -1].double(), 0).cpu().numpy()

    # -------------------------------------------------- save / load hooks
    def _export_state(self):
        tensors, extras = super()._export_state()
        extras["vocabulary"] = self.vocabulary_.words
        return tensors, extras

    def _import_state(self, tensors, extras):
        self.vocabulary_ = Vocabulary(extras["vocabulary"])
        super()._import_state(tensors, extras)


def _windows(seqs, y_idx, starts, shift, B: int, V: int):
    """Training windows: class token + up to B-1 inputs; targets with <s> and padding ignored."""
    chunks, classes = [], []
    for (d, o), s in zip(starts, shift, strict=True):
        seq = seqs[d]
        o = int(min(o + s, max(0, len(seq) - 2)))
        chunks.append(seq[o : o + B])
        classes.append(V + int(y_idx[d]))
    return _pack(chunks, classes, B)


def _pack(chunks, class_tokens, B: int):
    """Inputs (n, B) = [class token, chunk[:-1]] and targets (n, B) = chunk, -100 where ignored.

    ``<s>`` (id 2) is given, never predicted, so it is ignored as a target.
    """
    n = len(chunks)
    x = torch.zeros((n, B), dtype=torch.long)
    t = torch.full((n, B), -100, dtype=torch.long)
    cls = np.broadcast_to(np.asarray(class_tokens), (n,))
    for r, c in enumerate(chunks):
        c = torch.as_tensor(c, dtype=torch.long)
        x[r, 0] = int(cls[r])
        x[r, 1 : len(c)] = c[:-1]
        t[r, : len(c)] = torch.where(c == 2, -100, c)
    return x, t
