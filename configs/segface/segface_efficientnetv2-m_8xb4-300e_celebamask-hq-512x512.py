# SegFace, EfficientNetV2-M, CelebAMask-HQ at 512 x 512.
_base_ = './segface_swin-b_8xb4-300e_celebamask-hq-512x512.py'
checkpoint_file = 'https://download.openmmlab.com/mmclassification/v0/efficientnetv2/efficientnetv2-m_3rdparty_in1k_20221220-9dc0c729.pth'  # noqa
model = dict(
    backbone=dict(
        _delete_=True,
        type='EfficientNetV2SymmetricPad',
        arch='m',
        out_indices=(2, 3, 5, 8),
        drop_path_rate=0.2,
        norm_cfg=dict(type='BN', eps=1e-3, momentum=0.1),
        init_cfg=dict(
            type='Pretrained', checkpoint=checkpoint_file,
            prefix='backbone.')),
    neck=dict(in_channels=[48, 80, 176, 1280]))
