# CelebAMask-HQ as written by tools/dataset_converters/celebamask_hq.py: the
# 1024 x 1024 images as downloaded, labels at the same size (the 512 masks
# repeated 2 x 2), CelebA partition 24,183 / 2,993 / 2,824.
dataset_type = 'CelebAMaskHQDataset'
data_root = 'data/celebamask_hq'
crop_size = (512, 512)
# The official pipeline: squash the original image to the network size with
# PIL bicubic (antialiased), labels with PIL nearest; no augmentation.
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
# Labels are loaded after the resize, at their native size: the metric scores
# both at the network resolution (paper protocol) and at the native one.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    resize,
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
# `tools/test.py --tta`: each image and its mirror image, left/right classes
# (ears, brows, eyes) swapped back before averaging.
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
tta_model = dict(
    type='FaceFlipTTAModel', swap_seg_labels=[(4, 5), (6, 7), (8, 9)])

train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            img_path='img_dir/train', seg_map_path='ann_dir/train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val'),
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='img_dir/test', seg_map_path='ann_dir/test'),
        pipeline=test_pipeline))
val_evaluator = dict(type='FaceParsingMetric')
test_evaluator = val_evaluator
