# Copyright (c) segface-mmseg contributors. All rights reserved.
import hashlib
import os.path as osp
import pickle
from collections import deque

from mmengine.dist import is_main_process, master_only
from mmengine.hooks import CheckpointHook
from mmengine.logging import print_log
from mmengine.runner import save_checkpoint
from mmseg.registry import HOOKS

from ...checkpoints import read_checkpoint
from ...utils import atomic_write_bytes
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
    - **Nothing lost in rotation**: with ``max_keep_ckpts`` (and for the
      best checkpoint), an old checkpoint is removed only once the new one
      is in place and flushed to the disk, and ``last_checkpoint`` (written
      atomically) names it. mmengine removes the old file first, so a run
      killed or out of disk while saving left no checkpoint to resume from.

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

    def _save_checkpoint_with_step(self, runner, step: int, meta: dict):
        """Save checkpoint ``step``, point ``last_checkpoint`` to it, then
        remove the checkpoints beyond ``max_keep_ckpts``, in this order."""
        outdated = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and
                                            self.keep_ckpt_ids[-1] == step):
            kept = list(self.keep_ckpt_ids) + [step]
            outdated = kept[:-self.max_keep_ckpts]
            self.keep_ckpt_ids = deque(kept[-self.max_keep_ckpts:],
                                       self.max_keep_ckpts)
            # the checkpoint records the list it leaves behind
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir,
                                                     ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir,
            ckpt_filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args)
        if not is_main_process():
            return
        atomic_write_bytes(
            osp.join(runner.work_dir, 'last_checkpoint'),
            self.last_ckpt.encode(),
            fsync=True)
        for old_step in outdated:
            self._remove(
                self.file_backend.join_path(
                    self.out_dir, self.filename_tmpl.format(old_step)))

    def _save_best_checkpoint(self, runner, metrics: dict) -> None:
        """mmengine's, but a previous best checkpoint is removed after the
        new best one is written, not before."""
        if not self.save_best:
            return
        multi = len(self.key_indicators) > 1
        before = self._best_paths(multi)
        # hidden from mmengine, which would remove them first
        self._set_best_paths(multi, {key: None for key in before})
        try:
            super()._save_best_checkpoint(runner, metrics)
        except BaseException:
            self._set_best_paths(multi, before)  # the old ones are there
            raise
        after = self._best_paths(multi)
        self._set_best_paths(
            multi, {key: after[key] or old
                    for key, old in before.items()})
        for key, old in before.items():
            new = after.get(key)
            if old and new and new != old and is_main_process():
                if self._remove(old):
                    runner.logger.info(
                        f'The previous best checkpoint {old} is removed')

    def _best_paths(self, multi: bool) -> dict:
        if multi:
            return dict(self.best_ckpt_path_dict)
        return {None: getattr(self, 'best_ckpt_path', None)}

    def _set_best_paths(self, multi: bool, paths: dict) -> None:
        if multi:
            self.best_ckpt_path_dict.update(paths)
        else:
            self.best_ckpt_path = paths[None]

    def _remove(self, path: str) -> bool:
        """Remove a checkpoint file (or deepspeed folder) if it is there."""
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
        elif self.file_backend.isdir(path):
            self.file_backend.rmtree(path)
        else:
            return False
        return True

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
