# Copyright (c) segface-mmseg contributors. All rights reserved.
import hashlib
import os.path as osp
import pickle

from mmengine.dist import master_only
from mmengine.hooks import CheckpointHook
from mmengine.logging import print_log
from mmengine.runner import save_checkpoint
from mmseg.registry import HOOKS

from ...checkpoints.checkpoint_files import read_checkpoint
from ..atomic_local_backend import AtomicLocalBackend  # noqa: F401
from ..plain_state import from_plain, to_plain

ATOMIC_BACKEND = dict(backend='segface_atomic_local')
# checkpoint entries that mmengine fills with numpy-backed objects
PLAIN_KEYS = ('meta', 'message_hub')


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook``, writing checkpoints that are always
    complete and load safely.

    - **Complete**: every checkpoint (``iter_N.pth``, the best one, the
      published copy) is written through a temporary file and a rename
      (:class:`AtomicLocalBackend`), so a run killed while saving, or a full
      disk, never leaves a partial file under a checkpoint's name.
    - **Safe to load**: the message hub and meta are stored as tensors and
      plain values (:func:`to_plain`) and turned back into mmengine's
      objects after loading, so ``torch.load(weights_only=True)`` reads the
      whole checkpoint with torch's default allow-list.

    Args:
        backend_args (dict, optional): File backend; the default writes
            local files atomically. Default: None.
        **kwargs: :class:`mmengine.hooks.CheckpointHook` arguments.
    """

    def __init__(self, *args, backend_args=None, **kwargs) -> None:
        super().__init__(
            *args, backend_args=backend_args or ATOMIC_BACKEND, **kwargs)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in PLAIN_KEYS:
            if key in checkpoint:
                checkpoint[key] = to_plain(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in PLAIN_KEYS:
            if key in checkpoint:
                checkpoint[key] = from_plain(checkpoint[key])

    @master_only
    def _publish_model(self, runner, ckpt_path: str) -> None:
        """Save ``ckpt_path`` with only ``published_keys``, as
        ``<name>-<sha256[:8]>.pth`` (mmengine's naming), atomically."""
        checkpoint = read_checkpoint(ckpt_path)
        checkpoint = {
            key: value
            for key, value in checkpoint.items() if key in self.published_keys
        }
        sha = hashlib.sha256(pickle.dumps(checkpoint)).hexdigest()
        final_path = osp.splitext(ckpt_path)[0] + f'-{sha[:8]}.pth'
        save_checkpoint(checkpoint, final_path, backend_args=self.backend_args)
        print_log(
            f'The checkpoint ({ckpt_path}) is published to {final_path}.',
            logger='current')
