# CelebAMask-HQ as written by tools/dataset_converters/celebamask_hq.py:
# 512 x 512 images and labels, CelebA partition 24,183 / 2,993 / 2,824.
dataset_type = 'CelebAMaskHQDataset'
data_root = 'data/celebamask_hq'
crop_size = (512, 512)
# The official pipeline: squash to the network size with PIL bicubic
# (antialiased) for images and PIL nearest for labels; no augmentation.
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
