# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Mapping, Optional, Sequence

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS

from ...checkpoints import load_state_dict_strictly, read_mmseg_checkpoint
from ...checkpoints.class_transfer import checkpoint_classes, transfer_classes
from ...classes import describe_sources
from ...utils.errors import ConversionError


@HOOKS.register_module()
class ClassTransferHook(Hook):
    """Start training from a SegFace checkpoint of another class list.

    Before the first iteration it loads ``checkpoint`` into the model with
    the class tokens carried over by name
    (:func:`segface_mmseg.checkpoints.class_transfer.transfer_classes`):
    shared names keep their tokens, ``mapping`` renames and merges (mean),
    ``new_classes`` start from ``new_init``. Every other weight loads
    unchanged, and strictly: a key the model lacks, misses or holds in
    another shape is an error naming the file (mmengine's ``load_from``
    would skip it with a warning).

    Use it instead of ``load_from`` (both set is an error)::

        custom_hooks = [
            dict(type='ClassTransferHook',
                 checkpoint='work_dirs/demo/best_mF1_iter_1000.pth',
                 mapping=dict(eyes=['l_eye', 'r_eye']),
                 new_classes=['teeth'])
        ]

    A run resumed past iteration 0 (``--resume``) keeps the resumed weights
    and transfers nothing.

    Args:
        checkpoint (str): The source checkpoint: any SegFace segmentor
            checkpoint (trained with this plugin or converted official), or
            an official ``model_299.pt`` (converted in memory).
        mapping (dict[str, str | list[str]], optional): New class -> source
            class(es). Default: None.
        new_classes (Sequence[str]): Classes without a source. Default: ().
        new_init (str): 'mean' (of all source tokens) or 'normal'.
            Default: 'mean'.
        seed (int): Seed of ``'normal'``. Default: 0.
        src_classes (Sequence[str], optional): The checkpoint's class names
            by id. Default: None (its ``meta.dataset_meta.classes``).
        classes (Sequence[str], optional): The model's class names by id.
            Default: None (the training dataset's).
    """
    priority = 'VERY_HIGH'

    def __init__(self,
                 checkpoint: str,
                 mapping: Optional[Mapping] = None,
                 new_classes: Sequence[str] = (),
                 new_init: str = 'mean',
                 seed: int = 0,
                 src_classes: Optional[Sequence[str]] = None,
                 classes: Optional[Sequence[str]] = None) -> None:
        self.checkpoint = checkpoint
        self.mapping = {
            k: v if isinstance(v, str) else list(v)
            for k, v in dict(mapping or {}).items()
        }
        self.new_classes = list(new_classes)
        self.new_init = new_init
        self.seed = seed
        self.src_classes = src_classes
        self.classes = classes

    def before_train(self, runner) -> None:
        """Load the transferred weights, unless the run was resumed."""
        if runner.iter > 0:
            print_log(
                f'ClassTransferHook: resumed at iteration {runner.iter}; '
                f'the weights of {self.checkpoint} are not loaded again',
                logger='current')
            return
        if runner.cfg.get('load_from'):
            raise ValueError(
                f'load_from ({runner.cfg.load_from}) and ClassTransferHook '
                f'({self.checkpoint}) both give the starting weights; set '
                'load_from = None')
        model = runner.model
        while is_model_wrapper(model):
            model = model.module
        classes = tuple(self.classes
                        or runner.train_dataloader.dataset.metainfo['classes'])
        num_classes = model.decode_head.num_classes
        if len(classes) != num_classes:
            raise ValueError(
                f'the model has {num_classes} classes (decode_head.'
                f'num_classes) but the class list has {len(classes)}: '
                f'{classes}')
        try:
            checkpoint = read_mmseg_checkpoint(self.checkpoint)
            src_classes = tuple(
                self.src_classes or checkpoint_classes(checkpoint))
            state_dict, sources = transfer_classes(
                checkpoint.get('state_dict', checkpoint), src_classes, classes,
                self.mapping, self.new_classes, self.new_init, self.seed)
        except ConversionError as error:
            raise ConversionError(f'{self.checkpoint}: {error}') from error
        load_state_dict_strictly(model, state_dict, self.checkpoint)
        print_log(
            f'ClassTransferHook: loaded {self.checkpoint} with the class '
            'tokens transferred:\n' +
            '\n'.join(describe_sources(src_classes, classes, sources)),
            logger='current')
