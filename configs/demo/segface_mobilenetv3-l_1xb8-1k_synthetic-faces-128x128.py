# The demo: SegFace with a MobileNetV3-Large backbone, trained from scratch
# (no pretrained weights can be downloaded) on the synthetic faces of
# demo/synthetic_faces_demo.py at 128 x 128, on the CPU in about 15 minutes.
# Differences from the recipe: no ImageNet init, hence BN momentum 0.1; lr
# 1e-3 (from scratch, short run) with a linear warm-up, then decaying
# linearly to 0; batch 8 on one process; the rare accessories weighted up in
# the cross-entropy; validation and a checkpoint at the end only.
_base_ = '../segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py'

data_root = 'work_dirs/demo/data/celebamask_hq'
crop_size = (128, 128)
max_iters = 1000
# from scratch: BN statistics must follow the quickly changing weights, so
# PyTorch's default momentum 0.1 (the recipe's 0.01 suits an ImageNet init)
# 1,000 iterations show each rare accessory (eyeglasses, hat, earrings,
# necklace: 5 / 4 / 3 / 2 % of the images) too seldom for the plain loss to
# predict it; their cross-entropy terms weigh 3x (eyeglasses, hat) and 10x
# (earrings, necklace). ClassWeightedCrossEntropyLoss: mmseg's loss, averaged
# as torch's weighted cross-entropy (mmseg 1.2.2 fails on ignored pixels)
class_weight = [1.0] * 15 + [3.0, 3.0, 10.0, 10.0]
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(
        init_cfg=None, norm_cfg=dict(type='BN', eps=1e-3, momentum=0.1)),
    decode_head=dict(loss_decode=[
        dict(
            type='ClassWeightedCrossEntropyLoss',
            use_sigmoid=False,
            avg_non_ignore=True,
            class_weight=class_weight,
            loss_weight=0.5),
        dict(type='SegFaceDiceLoss', loss_weight=0.5),
    ]))

resize = dict(
    type='Resize',
    scale=crop_size,
    keep_ratio=False,
    interpolation='bicubic',
    backend='pillow')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    resize,
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    resize,
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
# tools/test.py --tta: each image and its mirror image, left/right classes
# swapped back (the base's tta_model)
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[[resize],
                    [
                        dict(type='RandomFlip', prob=0.),
                        dict(type='RandomFlip', prob=1.)
                    ], [dict(type='LoadAnnotations')],
                    [dict(type='PackSegInputs')]])
]
train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=1, dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = dict(
    num_workers=1, dataset=dict(data_root=data_root, pipeline=test_pipeline))

optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(
        type='PolyLR',
        power=1.0,
        eta_min=0.0,
        by_epoch=False,
        begin=0,
        end=max_iters)
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1))
randomness = dict(seed=0)
env_cfg = dict(cudnn_benchmark=False)
