# Copyright (c) segface-mmseg contributors. All rights reserved.
from mmseg.models.losses import CrossEntropyLoss
from mmseg.registry import MODELS


@MODELS.register_module()
class ClassWeightedCrossEntropyLoss(CrossEntropyLoss):
    """mmseg's softmax ``CrossEntropyLoss`` with ``class_weight``, averaged
    as ``torch.nn.functional.cross_entropy`` averages.

    With class weights w and ``reduction='mean'``, the loss is
    ``sum_i w[y_i] * ce_i / sum_i w[y_i]`` over the pixels i whose label is
    not ``ignore_index``. mmseg 1.2.2 computes that denominator by indexing
    ``class_weight`` with every label, ignored ones included, and fails on
    the ignore value 255 (``IndexError``) that padding and the dataset
    converters produce; it also loops over the batch in Python. Without
    ignored pixels the two losses are equal.

    Args:
        **kwargs: :class:`mmseg.models.losses.CrossEntropyLoss` arguments;
            ``class_weight`` is required.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if self.class_weight is None:
            raise ValueError(f'{type(self).__name__} needs class_weight; '
                             'use CrossEntropyLoss without it')
        if self.use_sigmoid or self.use_mask:
            raise ValueError(f'{type(self).__name__} is the softmax loss '
                             '(use_sigmoid=False, use_mask=False)')

    def forward(self,
                cls_score,
                label,
                weight=None,
                avg_factor=None,
                reduction_override=None,
                ignore_index=-100,
                **kwargs):
        """The loss of B x N x H x W logits for B x H x W labels."""
        reduction = reduction_override or self.reduction
        if avg_factor is None and reduction == 'mean':
            class_weight = cls_score.new_tensor(self.class_weight)
            # the weights of the labelled pixels' classes, summed
            avg_factor = class_weight[label[label != ignore_index]].sum()
        return super().forward(
            cls_score,
            label,
            weight=weight,
            avg_factor=avg_factor,
            reduction_override=reduction_override,
            ignore_index=ignore_index,
            **kwargs)
