# SegFace, Swin-B, CelebAMask-HQ at 448 x 448 (same recipe as 512).
_base_ = './segface_swin-b_8xb4-300e_celebamask-hq-512x512.py'
crop_size = (448, 448)
resize = dict(
    type='Resize',
    scale=crop_size,
    keep_ratio=False,
    interpolation='bicubic',
    backend='pillow')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'), resize,
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'), resize,
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]
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
model = dict(data_preprocessor=dict(size=crop_size))
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
