# SegFace, MobileNetV3-Large, CelebAMask-HQ at 512 x 512.
_base_ = './segface_swin-b_8xb4-300e_celebamask-hq-512x512.py'
# torchvision's IMAGENET1K_V1 weights (the official init), converted
checkpoint_file = 'https://download.openmmlab.com/mmclassification/v0/mobilenet_v3/convert/mobilenet_v3_large-3ea3c186.pth'  # noqa
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.MobileNetV3',
        arch='large',
        out_indices=(3, 6, 12, 16),
        norm_cfg=dict(type='BN', eps=1e-3, momentum=0.01),
        init_cfg=dict(
            type='Pretrained', checkpoint=checkpoint_file,
            prefix='backbone.')),
    neck=dict(in_channels=[24, 40, 112, 960]))
