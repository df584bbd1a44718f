# The fine-tuning tutorial's model (docs/finetune.md), trained from scratch:
# the demo's recipe on "one's own" drawn faces (demo/finetune_demo.py writes
# them) with another class list: the demo's 19 classes with the left/right
# pairs merged (ears, brows, eyes) and teeth added, 17 in all
# (FaceParsingDataset checks them against the data's classes.json). 300
# iterations, flips that swap the dataset's left/right pairs (none are left
# here). The _finetune variant starts from the demo checkpoint instead.
_base_ = './segface_mobilenetv3-l_1xb8-1k_synthetic-faces-128x128.py'

data_root = 'work_dirs/finetune/data'
max_iters = 300
classes = ('background', 'neck', 'skin', 'cloth', 'ears', 'brows', 'eyes',
           'nose', 'mouth', 'l_lip', 'u_lip', 'hair', 'eye_g', 'hat', 'ear_r',
           'neck_l', 'teeth')
# the demo's weights, by class: the accessories 3x / 10x, teeth 3x (new and
# small)
class_weight = [1.0] * 12 + [3.0, 3.0, 10.0, 10.0, 3.0]
model = dict(
    decode_head=dict(
        num_classes=len(classes),
        loss_decode=[
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
    scale=(128, 128),
    keep_ratio=False,
    interpolation='bicubic',
    backend='pillow')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    resize,
    dict(type='RandomFaceFlip', prob=0.5, swap_seg_labels='dataset'),
    dict(type='PackSegInputs'),
]
dataset = dict(
    type='FaceParsingDataset',
    data_root=data_root,
    metainfo=dict(classes=classes))
train_dataloader = dict(dataset=dict(dataset, pipeline=train_pipeline))
val_dataloader = dict(dataset=dataset)
test_dataloader = dict(dataset=dataset)
# tools/test.py --tta: no left/right pairs left to swap back
tta_model = dict(swap_seg_labels=[])

param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=30),
    dict(
        type='PolyLR',
        power=1.0,
        eta_min=0.0,
        by_epoch=False,
        begin=0,
        end=max_iters)
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
