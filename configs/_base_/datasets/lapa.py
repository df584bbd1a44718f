# LaPa as written by tools/dataset_converters/lapa.py: images at their own
# sizes, labels, and SegFace's 5 alignment points per image; 18,176 / 2,000
# / 2,000 images.
dataset_type = 'LaPaDataset'
data_root = 'data/lapa'
crop_size = (512, 512)
# The landmarks travel in the metainfo, in the network input's frame: the
# segmentor aligns each face with them.
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape',
             'scale_factor', 'flip', 'flip_direction', 'reduce_zero_label',
             'landmarks')
# The official resize: squash to the network size, PIL bicubic for images
# and PIL nearest for labels; landmarks scaled along.
resize = dict(
    type='ResizeWithLandmarks',
    scale=crop_size,
    keep_ratio=False,
    interpolation='bicubic',
    backend='pillow')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    # the official augmentation, on the original image: rotation +-30 deg,
    # scale 0.5-3, shift +-20 px, new pixels black / background
    dict(
        type='RandomFaceAffine',
        max_rotate_degree=30,
        scale_range=(0.5, 3.0),
        max_translate=20),
    resize,
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
# Labels are loaded after the resize, at their native size: the metric scores
# both at the network resolution (paper protocol) and at the native one.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    resize,
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
# `tools/test.py --tta`: each image and its mirror image (landmarks mirrored
# too), left/right classes swapped back before averaging.
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
    batch_size=4,
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
            img_path='img_dir/val',
            seg_map_path='ann_dir/val',
            landmark_path='landmarks/val'),
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
val_evaluator = dict(type='FaceParsingMetric')
test_evaluator = val_evaluator
