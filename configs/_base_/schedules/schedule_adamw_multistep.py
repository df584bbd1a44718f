# The official SegFace optimisation: AdamW lr 1e-4, weight decay 1e-5 on all
# parameters (one group), fp32, no gradient clipping, MultiStepLR x0.1.
# Dataset configs set the iteration counts (300 epochs, steps at 80 and 200).
optimizer = dict(
    type='AdamW', lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-5)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
param_scheduler = [
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=226500,
        milestones=[60400, 151000],
        gamma=0.1)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=226500, val_interval=15100)
val_cfg = dict(type='ValLoop')
# the official seed (not deterministic: cudnn.benchmark is on, as there)
randomness = dict(seed=32)
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # keep the last 3 checkpoints and the best by mean F1; the final weights
    # are also published slim (state_dict + meta). SafeCheckpointHook is
    # mmengine's CheckpointHook writing atomically, in a form that
    # torch.load(weights_only=True) reads without extra allow-listed globals
    checkpoint=dict(
        type='SafeCheckpointHook',
        by_epoch=False,
        interval=15100,
        max_keep_ckpts=3,
        save_best='mF1',
        rule='greater',
        save_last=True,
        published_keys=['meta', 'state_dict']),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
