# Helen (relabeled) as written by tools/dataset_converters/helen.py: face
# crops (the official landmark crop), labels and 5 landmarks per image; 2,000
# train and 100 test images. As the official code, the test split also
# serves as the validation split.
dataset_type = 'HelenDataset'
data_root = 'data/helen'
crop_size = (512, 512)
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape',
             'scale_factor', 'flip', 'flip_direction', 'reduce_zero_label',
             'landmarks')
# The official resize: squash the crop to the network size, PIL bicubic for
# images and PIL nearest for labels; no augmentation.
resize = dict(
    type='ResizeWithLandmarks',
    scale=crop_size,
    keep_ratio=False,
    interpolation='bicubic',
    backend='pillow')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    resize,
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
# Labels are loaded after the resize, at their native (crop) size.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    resize,
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
# `tools/test.py --tta`: each image and its mirror image, left/right classes
# swapped back before averaging.
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
tta_model = dict(type='FaceFlipTTAModel', swap_seg_labels=[(2, 3), (4, 5)])

train_dataloader = dict(
    batch_size=2,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='img_dir/train',
            seg_map_path='ann_dir/train',
            landmark_path='landmarks/train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='img_dir/test',
            seg_map_path='ann_dir/test',
            landmark_path='landmarks/test'),
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='img_dir/test',
            seg_map_path='ann_dir/test',
            landmark_path='landmarks/test'),
        pipeline=test_pipeline))
# Helen's merged scores, as the official evaluation logs them (not part of
# mF1): eyes, brows, mouth, and all inner-face parts together.
val_evaluator = dict(
    type='FaceParsingMetric',
    merged_groups=dict(
        eyes=('l_eye', 'r_eye'),
        brows=('l_brow', 'r_brow'),
        mouth=('u_lip', 'mouth', 'l_lip'),
        overall=('l_eye', 'r_eye', 'l_brow', 'r_brow', 'nose', 'u_lip',
                 'mouth', 'l_lip')))
test_evaluator = val_evaluator
