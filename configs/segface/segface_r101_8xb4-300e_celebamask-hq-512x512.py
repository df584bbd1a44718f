# SegFace, ResNet-101 (the paper's "ResNet 100"), CelebAMask-HQ at 512 x 512.
_base_ = './segface_swin-b_8xb4-300e_celebamask-hq-512x512.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet',
        depth=101,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        style='pytorch',
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=False,
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet101')),
    neck=dict(in_channels=[256, 512, 1024, 2048]))
