"""Metrics against direct counts: accuracies, precision, recall, and AUC against pair counting."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from graphgrad import nn
from graphgrad.errors import UnknownNameError
from graphgrad.nn import losses, metrics


def test_accuracy_follows_the_loss_and_output_width():
    y_sparse, p = np.array([0, 2, 1]), np.array([[0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    assert metrics.get("accuracy", losses.get("sparse_categorical_crossentropy"), (3,))(y_sparse, p) == pytest.approx(2 / 3)
    assert metrics.get("accuracy", losses.get("categorical_crossentropy"), (3,))(np.eye(3)[y_sparse], p) == pytest.approx(2 / 3)
    assert metrics.get("acc", losses.get("mse"), (1,))(np.array([1, 0, 1, 1]), np.array([[0.7], [0.6], [0.2], [0.9]])) == 0.5


def test_precision_and_recall_count_true_and_false_positives():
    y = np.array([1, 1, 0, 0, 1])
    p = np.array([0.9, 0.2, 0.8, 0.1, 0.7])      # tp 2, fp 1, fn 1
    assert nn.Precision()(y, p) == pytest.approx(2 / 3)
    assert nn.Recall()(y, p) == pytest.approx(2 / 3)


@given(st.lists(st.integers(0, 198), min_size=12, max_size=12), st.lists(st.booleans(), min_size=12, max_size=12))
def test_auc_equals_the_fraction_of_correctly_ordered_pairs_when_scores_fall_between_thresholds(buckets, truth):
    """Keras' 200-threshold estimate is exact for scores at most one per gap between thresholds (ties: 1/2)."""
    truth, scores = np.array(truth), (np.array(buckets) + 0.5) / 199
    pos, neg = scores[truth], scores[~truth]
    auc = nn.AUC()
    auc.update(truth[:5].astype(float), scores[:5])     # accumulated over two batches
    auc.update(truth[5:].astype(float), scores[5:])
    if len(pos) and len(neg):
        pairs = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
        assert auc.result() == pytest.approx(pairs)
    else:
        assert auc.result() == 0.0


def test_metrics_accumulate_over_batches_like_keras():
    m = metrics.get("mse", None, (1,))
    m.update(np.array([0.0, 0.0]), np.array([[1.0], [1.0]]))
    m.update(np.array([0.0]), np.array([[4.0]]))
    assert m.result() == pytest.approx((1 + 1 + 16) / 3)


def test_unknown_metric_lists_the_known_ones():
    with pytest.raises(UnknownNameError, match="unknown metric 'f1'.*accuracy.*auc.*precision.*recall"):
        metrics.get("f1", None, (1,))
