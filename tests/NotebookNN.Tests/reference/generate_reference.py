#!/usr/bin/python3
"""Reference values for the NotebookNN losses, metrics, calibration, thresholds and validation tests.

Run once with Debian's interpreter (python3-torch 1.13, python3-sklearn 1.2):

    /usr/bin/python3 tests/NotebookNN.Tests/reference/generate_reference.py

It writes reference.json next to itself: every input (fixed seeds) and every expected output. The .NET tests read
that file, so CI needs no Python. PyTorch and scikit-learn compute what they implement; the Keras formulas (no
TensorFlow here) are written out from Keras' source with torch ops in float64, each citing the Keras function.
"""
import json
import math
import os

import numpy as np
import sklearn
import torch
import torch.nn.functional as F
from sklearn import metrics
from sklearn.calibration import _sigmoid_calibration, calibration_curve
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import MinMaxScaler, StandardScaler

torch.set_default_dtype(torch.float64)
rng = np.random.RandomState(20261122)
EPS = 1e-7  # keras.backend.epsilon()


def T(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def L(x):
    """JSON-friendly nested lists (float64 keeps 17 significant digits through json)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().numpy()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def fnum(v):
    v = float(v)
    if math.isinf(v) or math.isnan(v):
        return str(v)
    return v


# ------------------------------------------------------------------ losses
def keras_bce_elementwise(p, y):
    # keras.ops.binary_crossentropy (Keras 3): clip to [eps, 1-eps], then -(y log p + (1-y) log(1-p))
    p = torch.clamp(p, EPS, 1 - EPS)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p))


def keras_cce(p, y):
    # keras categorical_crossentropy(from_logits=False): renormalise, clip, -sum(y log p) over the last axis
    p = p / p.sum(-1, keepdim=True)
    p = torch.clamp(p, EPS, 1 - EPS)
    return -(y * torch.log(p)).sum(-1)


def keras_sparse_cce(p, labels):
    # keras sparse_categorical_crossentropy(from_logits=False): log(clip(p)) used as logits of a softmax CE
    logits = torch.log(torch.clamp(p, EPS, 1 - EPS))
    return -torch.log_softmax(logits, -1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)


losses = {}
p = rng.uniform(0, 1, size=(8, 3))
p[0, 0], p[1, 1], p[2, 2], p[3, 0] = 0.0, 1.0, 1e-9, 1 - 1e-9  # exercise the clipping
y = rng.randint(0, 2, size=(8, 3)).astype(np.float64)
y[0, 0], y[1, 1] = 1.0, 0.0  # the worst case: certain and wrong
e = keras_bce_elementwise(T(p), T(y))
losses["keras_bce"] = dict(p=L(p), y=L(y), elementwise=L(e), per_sample=L(e.mean(-1)), mean=fnum(e.mean(-1).mean()),
                          sum=fnum(e.mean(-1).sum()))
tb = F.binary_cross_entropy(T(p), T(y), reduction="none")
losses["torch_bce"] = dict(p=L(p), y=L(y), elementwise=L(tb), mean=fnum(tb.mean()))

z = rng.normal(0, 3, size=(8, 3))
ys = rng.uniform(0, 1, size=(8, 3))  # soft targets
w = rng.uniform(0.5, 2, size=(8, 3))
pw = rng.uniform(0.5, 3, size=(3,))
losses["bce_logits"] = dict(
    z=L(z), y=L(ys), weight=L(w), pos_weight=L(pw),
    none=L(F.binary_cross_entropy_with_logits(T(z), T(ys), reduction="none")),
    mean=fnum(F.binary_cross_entropy_with_logits(T(z), T(ys))),
    sum=fnum(F.binary_cross_entropy_with_logits(T(z), T(ys), reduction="sum")),
    weighted_mean=fnum(F.binary_cross_entropy_with_logits(T(z), T(ys), weight=T(w), pos_weight=T(pw))),
    keras_from_logits_per_sample=L(F.binary_cross_entropy_with_logits(T(z), T(ys), reduction="none").mean(-1)))

zc = rng.normal(0, 2, size=(10, 5))
lab = rng.randint(0, 5, size=(10,))
lab_ign = lab.copy()
lab_ign[[2, 7]] = -100
cw = rng.uniform(0.2, 3, size=(5,))
soft = rng.dirichlet(np.ones(5), size=10)
z3 = rng.normal(0, 2, size=(4, 5, 6))  # PyTorch layout (N, C, d)
lab3 = rng.randint(0, 5, size=(4, 6))
losses["ce_logits"] = dict(
    z=L(zc), labels=L(lab), class_weights=L(cw), labels_ignore=L(lab_ign), soft=L(soft), z3=L(z3), labels3=L(lab3),
    mean=fnum(F.cross_entropy(T(zc), torch.tensor(lab))),
    none=L(F.cross_entropy(T(zc), torch.tensor(lab), reduction="none")),
    weighted=fnum(F.cross_entropy(T(zc), torch.tensor(lab), weight=T(cw))),
    ignore=fnum(F.cross_entropy(T(zc), torch.tensor(lab_ign))),
    smoothing=fnum(F.cross_entropy(T(zc), torch.tensor(lab), label_smoothing=0.1)),
    soft_targets=fnum(F.cross_entropy(T(zc), T(soft))),
    mean3=fnum(F.cross_entropy(T(z3), torch.tensor(lab3))))

pc = torch.softmax(T(rng.normal(0, 2, size=(10, 5))), -1).numpy()
pc[0] = [0.0, 0.0, 1.0, 0.0, 0.0]  # certain
pc[1] = [0.2, 0.2, 0.2, 0.2, 0.1]  # unnormalised: sums to 0.9
onehot = np.eye(5)[lab]
losses["keras_cce"] = dict(
    p=L(pc), onehot=L(onehot), labels=L(lab),
    per_sample=L(keras_cce(T(pc), T(onehot))), mean=fnum(keras_cce(T(pc), T(onehot)).mean()),
    sparse_per_sample=L(keras_sparse_cce(T(pc), torch.tensor(lab))),
    sparse_mean=fnum(keras_sparse_cce(T(pc), torch.tensor(lab)).mean()),
    from_logits_mean=fnum(-(T(onehot) * torch.log_softmax(T(zc), -1)).sum(-1).mean()))

# Keras layout (B, T, C) for the tagger; mask padding positions.
zt = rng.normal(0, 2, size=(4, 6, 5))
labt = rng.randint(0, 5, size=(4, 6))
mask = np.ones((4, 6), dtype=bool)
mask[0, 4:] = False
mask[2, 2:] = False
mask[3, 5] = False
per_pos = F.cross_entropy(T(zt).permute(0, 2, 1), torch.tensor(labt), reduction="none")
losses["sparse_class_last"] = dict(
    z=L(zt), labels=L(labt), mask=L(mask.astype(np.int64)),
    mean=fnum(per_pos.mean()), per_position=L(per_pos),
    masked_mean=fnum(per_pos[torch.tensor(mask)].mean()))

# ------------------------------------------------------------------ metrics
mt = {}
pb = np.round(rng.uniform(0, 1, size=(20, 3)), 1)  # many exact 0.5 values: strictly greater matters
yb = rng.randint(0, 2, size=(20, 3)).astype(np.float64)
mt["binary_accuracy"] = dict(p=L(pb), y=L(yb), value=fnum(np.mean((pb > 0.5).astype(np.float64) == yb)),
                             value_threshold_0_3=fnum(np.mean((pb > 0.3).astype(np.float64) == yb)))
pm = rng.dirichlet(np.ones(4), size=30)
ym = rng.randint(0, 4, size=30)
mt["categorical_accuracy"] = dict(p=L(pm), labels=L(ym), onehot=L(np.eye(4)[ym]),
                                  value=fnum(np.mean(pm.argmax(-1) == ym)),
                                  sparse_with_column_labels_as_categorical=fnum(np.mean(pm.argmax(-1) == 0)))

yt = rng.randint(0, 5, size=60)
yp = np.where(rng.uniform(size=60) < 0.6, yt, rng.randint(0, 5, size=60))
yp[yp == 4] = 3  # class 4 never predicted: zero-division path
mc = {}
for avg in ["micro", "macro", "weighted"]:
    pr, rc, f1, _ = metrics.precision_recall_fscore_support(yt, yp, average=avg, zero_division=0)
    mc[avg] = [fnum(pr), fnum(rc), fnum(f1)]
pr, rc, f1, sup = metrics.precision_recall_fscore_support(yt, yp, average=None, zero_division=0)
mc["per_label"] = dict(precision=L(pr), recall=L(rc), f1=L(f1), support=L(sup))
mc["labels_subset_macro"] = [fnum(v) for v in metrics.precision_recall_fscore_support(
    yt, yp, average="macro", labels=[0, 2, 4], zero_division=0)[:3]]
mt["multiclass"] = dict(y_true=L(yt), y_pred=L(yp), scores=mc,
                        confusion=L(metrics.confusion_matrix(yt, yp)),
                        hamming=fnum(metrics.hamming_loss(yt, yp)),
                        accuracy=fnum(metrics.accuracy_score(yt, yp)))

ybt = rng.randint(0, 2, size=40)
ybp = np.where(rng.uniform(size=40) < 0.7, ybt, 1 - ybt)
pr, rc, f1, _ = metrics.precision_recall_fscore_support(ybt, ybp, average="binary")
pr0, rc0, f10, _ = metrics.precision_recall_fscore_support(ybt, ybp, average="binary", pos_label=0)
mt["binary"] = dict(y_true=L(ybt), y_pred=L(ybp), binary=[fnum(pr), fnum(rc), fnum(f1)],
                    binary_pos0=[fnum(pr0), fnum(rc0), fnum(f10)],
                    confusion=L(metrics.confusion_matrix(ybt, ybp)))

Ytl = rng.randint(0, 2, size=(25, 6))
Ytl[:, 5] = 0  # a label never true
Ypl = np.where(rng.uniform(size=(25, 6)) < 0.75, Ytl, 1 - Ytl)
ml = {}
for avg in ["micro", "macro", "weighted"]:
    pr, rc, f1, _ = metrics.precision_recall_fscore_support(Ytl, Ypl, average=avg, zero_division=0)
    ml[avg] = [fnum(pr), fnum(rc), fnum(f1)]
mt["multilabel"] = dict(y_true=L(Ytl), y_pred=L(Ypl), scores=ml, hamming=fnum(metrics.hamming_loss(Ytl, Ypl)),
                        subset_accuracy=fnum(metrics.accuracy_score(Ytl, Ypl)))


def curves(scores, labels):
    fpr, tpr, thr = metrics.roc_curve(labels, scores)
    fpr_all, tpr_all, thr_all = metrics.roc_curve(labels, scores, drop_intermediate=False)
    prec, rec, pthr = metrics.precision_recall_curve(labels, scores)
    return dict(scores=L(scores), labels=L(labels),
                roc=dict(fpr=L(fpr), tpr=L(tpr), thresholds=L(thr)),
                roc_all=dict(fpr=L(fpr_all), tpr=L(tpr_all), thresholds=L(thr_all)),
                auc=fnum(metrics.roc_auc_score(labels, scores)),
                pr=dict(precision=L(prec), recall=L(rec), thresholds=L(pthr)),
                average_precision=fnum(metrics.average_precision_score(labels, scores)))


lt = rng.randint(0, 2, size=50)
st = np.round(np.clip(0.3 * lt + rng.normal(0.35, 0.25, size=50), 0, 1), 1)  # heavy ties
mt["curves_ties"] = curves(st, lt)
lc = rng.randint(0, 2, size=200)
sc = rng.normal(0, 1, size=200) + 1.2 * lc  # continuous logits
mt["curves_continuous"] = curves(sc, lc)

# ------------------------------------------------------------------ calibration
cal = {}
n, C = 300, 4
lab_c = rng.randint(0, C, size=n)
logits_c = rng.normal(0, 1, size=(n, C)) + 2.5 * np.eye(C)[lab_c]  # informative, over-confident after scaling
logits_c *= 1.8
probs_c = torch.softmax(T(logits_c), -1).numpy()


def top_label_reliability(probs, labels, bins):
    if probs.ndim == 1:
        pred = (probs > 0.5).astype(int)
        conf = np.where(pred == 1, probs, 1 - probs)
    else:
        pred = probs.argmax(1)
        conf = probs.max(1)
    correct = (pred == labels).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.searchsorted(edges[1:-1], conf)  # sklearn calibration_curve's rule
    counts = np.bincount(ids, minlength=bins)
    sconf = np.bincount(ids, weights=conf, minlength=bins)
    sacc = np.bincount(ids, weights=correct, minlength=bins)
    nz = counts > 0
    gaps = np.abs(sacc[nz] / counts[nz] - sconf[nz] / counts[nz])
    return dict(counts=L(counts), ece=fnum(np.sum(counts[nz] / len(conf) * gaps)), mce=fnum(gaps.max()),
                mean_confidence=L(np.where(nz, sconf / np.maximum(counts, 1), np.nan)),
                accuracy=L(np.where(nz, sacc / np.maximum(counts, 1), np.nan)))


rel = top_label_reliability(probs_c, lab_c, 15)
rel["mean_confidence"] = [fnum(v) for v in rel["mean_confidence"]]
rel["accuracy"] = [fnum(v) for v in rel["accuracy"]]
brier_mc = np.mean(np.sum((probs_c - np.eye(C)[lab_c]) ** 2, 1))
cal["multiclass"] = dict(
    logits=L(logits_c), labels=L(lab_c), probs=L(probs_c), reliability15=rel,
    brier=fnum(brier_mc),
    nll_logits=fnum(F.cross_entropy(T(logits_c), torch.tensor(lab_c))),
    nll_probs_sklearn=fnum(metrics.log_loss(lab_c, probs_c, labels=list(range(C)))))

# Temperature: minimise NLL over 1/T with strong-Wolfe L-BFGS to machine precision.
beta = torch.tensor(1.0, requires_grad=True)
opt = torch.optim.LBFGS([beta], lr=1, max_iter=500, tolerance_grad=1e-14, tolerance_change=1e-16,
                        line_search_fn="strong_wolfe")
zt_ = T(logits_c)
yt_ = torch.tensor(lab_c)


def closure():
    opt.zero_grad()
    loss = F.cross_entropy(zt_ * beta, yt_)
    loss.backward()
    return loss


for _ in range(5):
    opt.step(closure)
Tstar = 1.0 / beta.item()
cal["multiclass"]["temperature"] = Tstar
cal["multiclass"]["nll_after"] = fnum(F.cross_entropy(zt_ / Tstar, yt_))
cal["multiclass"]["ece_after"] = top_label_reliability(
    torch.softmax(zt_ / Tstar, -1).numpy(), lab_c, 15)["ece"]

nb = 250
lab_b = rng.randint(0, 2, size=nb)
logit_b = 3.0 * (rng.normal(0, 1, size=nb) + 1.1 * (2 * lab_b - 1))
prob_b = 1 / (1 + np.exp(-logit_b))
prob_b_round = np.round(prob_b, 2)  # values on bin edges exercise the edge rule
ptrue, ppred = calibration_curve(lab_b, prob_b_round, n_bins=10, strategy="uniform")
a_sk, b_sk = _sigmoid_calibration(logit_b, lab_b)
# Platt by exact minimisation (strong-Wolfe L-BFGS) with Platt's smoothed targets.
n1 = lab_b.sum()
n0 = nb - n1
tgt = torch.tensor(np.where(lab_b == 1, (n1 + 1.0) / (n1 + 2.0), 1.0 / (n0 + 2.0)))
ab = torch.tensor([0.0, math.log((n1 + 1.0) / (n0 + 1.0))], requires_grad=True)
opt = torch.optim.LBFGS([ab], lr=1, max_iter=500, tolerance_grad=1e-14, tolerance_change=1e-16,
                        line_search_fn="strong_wolfe")
zb = T(logit_b)


def closure_platt():
    opt.zero_grad()
    loss = F.binary_cross_entropy_with_logits(zb * ab[0] + ab[1], tgt)
    loss.backward()
    return loss


for _ in range(5):
    opt.step(closure_platt)
rel_b = top_label_reliability(prob_b_round, lab_b, 10)
rel_b["mean_confidence"] = [fnum(v) for v in rel_b["mean_confidence"]]
rel_b["accuracy"] = [fnum(v) for v in rel_b["accuracy"]]
cal["binary"] = dict(
    logits=L(logit_b), labels=L(lab_b), probs_rounded=L(prob_b_round),
    calibration_curve=dict(prob_true=L(ptrue), prob_pred=L(ppred)),
    top_label10=rel_b,
    brier=fnum(metrics.brier_score_loss(lab_b, prob_b_round)),
    nll_probs_sklearn=fnum(metrics.log_loss(lab_b, prob_b_round)),
    nll_logits=fnum(F.binary_cross_entropy_with_logits(T(logit_b), T(lab_b.astype(np.float64)))),
    platt_sklearn=dict(scale=-a_sk, bias=-b_sk),
    platt=dict(scale=ab[0].item(), bias=ab[1].item()))

# ------------------------------------------------------------------ thresholds (brute force over every cut)
thr = {}
lv = rng.randint(0, 2, size=80)
sv = np.round(1 / (1 + np.exp(-(rng.normal(0, 1.2, size=80) + 1.0 * (2 * lv - 1)))), 2)


def best_cuts(scores, labels, cost_fp=1.0, cost_fn=5.0):
    cuts = np.r_[np.inf, np.unique(scores)[::-1], -np.inf]  # predict positive when score >= cut
    best = dict(accuracy=-1, youden=-2, f1=-1, cost=np.inf)
    P = labels.sum()
    N = len(labels) - P
    for c in cuts:
        pred = scores >= c
        tp = np.sum(pred & (labels == 1))
        fp = np.sum(pred & (labels == 0))
        fn = P - tp
        acc = np.mean(pred == (labels == 1))
        best["accuracy"] = max(best["accuracy"], acc)
        best["youden"] = max(best["youden"], tp / P - fp / N)
        best["f1"] = max(best["f1"], 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
        best["cost"] = min(best["cost"], (cost_fp * fp + cost_fn * fn) / len(labels))
    return {k: fnum(v) for k, v in best.items()}


thr["binary"] = dict(scores=L(sv), labels=L(lv), best=best_cuts(sv, lv), cost_fp=1.0, cost_fn=5.0)
Sm = np.round(rng.uniform(0, 1, size=(40, 4)), 2)
Ym = (Sm + rng.normal(0, 0.25, size=(40, 4)) > np.array([0.3, 0.5, 0.7, 0.6])).astype(int)
per_label_acc = [best_cuts(Sm[:, j], Ym[:, j])["accuracy"] for j in range(4)]
thr["multilabel"] = dict(scores=L(Sm), labels=L(Ym), best_accuracy=per_label_acc,
                         best_hamming=fnum(1 - np.mean(per_label_acc)))

# ------------------------------------------------------------------ validation
val = {}
val["kfold"] = dict(n=23, k=5, test=[L(te) for _, te in KFold(5).split(np.zeros(23))])
ys_ = rng.randint(0, 3, size=31)
ys_[ys_ == 2] = rng.randint(0, 3, size=np.sum(ys_ == 2))
val["stratified"] = dict(labels=L(ys_), k=4,
                         test=[L(te) for _, te in StratifiedKFold(4).split(np.zeros(len(ys_)), ys_)])
X = rng.normal(5, 3, size=(30, 4))
X[:, 2] = 7.0  # constant feature: scale 1, as sklearn
X[:, 3] *= 1000
ss = StandardScaler().fit(X)
mm = MinMaxScaler().fit(X)
mm2 = MinMaxScaler(feature_range=(-1, 2)).fit(X)
Xn = rng.normal(5, 3, size=(5, 4))
val["scalers"] = dict(
    x=L(X), x_new=L(Xn),
    standard=dict(mean=L(ss.mean_), scale=L(ss.scale_), var=L(ss.var_), transform=L(ss.transform(Xn)),
                  fit_transform=L(ss.transform(X))),
    minmax=dict(data_min=L(mm.data_min_), data_max=L(mm.data_max_), scale=L(mm.scale_), min=L(mm.min_),
                transform=L(mm.transform(Xn))),
    minmax_range=dict(low=-1.0, high=2.0, transform=L(mm2.transform(Xn))))

out = dict(
    generator="tests/NotebookNN.Tests/reference/generate_reference.py",
    versions=dict(torch=torch.__version__, sklearn=sklearn.__version__, numpy=np.__version__),
    losses=losses, metrics=mt, calibration=cal, thresholds=thr, validation=val)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(out, f, indent=1, allow_nan=False)
    f.write("\n")
print("wrote", path)
