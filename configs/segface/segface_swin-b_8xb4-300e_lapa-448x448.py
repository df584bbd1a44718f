# SegFace, Swin-B, LaPa at 448 x 448 (same recipe as 512).
_base_ = './segface_swin-b_8xb4-300e_lapa-512x512.py'
crop_size = (448, 448)
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape',
             'scale_factor', 'flip', 'flip_direction', 'reduce_zero_label',
             'landmarks')
resize = dict(
    type='ResizeWithLandmarks',
    scale=crop_size,
    keep_ratio=False,
    interpolation='bicubic',
    backend='pillow')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(
        type='RandomFaceAffine',
        max_rotate_degree=30,
        scale_range=(0.5, 3.0),
        max_translate=20), resize,
    dict(type='PackSegInputs', meta_keys=meta_keys)
]
test_pipeline = [
    dict(type='LoadImageFromFile'), resize,
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs', meta_keys=meta_keys)
]
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[[resize],
                    [
                        dict(type='RandomFaceFlip', prob=0.),
                        dict(type='RandomFaceFlip', prob=1.)
                    ], [dict(type='LoadAnnotations')],
                    [dict(type='PackSegInputs', meta_keys=meta_keys)]])
]
model = dict(data_preprocessor=dict(size=crop_size))
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
