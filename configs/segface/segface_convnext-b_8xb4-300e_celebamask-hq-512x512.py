# SegFace, ConvNeXt-B, CelebAMask-HQ at 512 x 512.
_base_ = './segface_swin-b_8xb4-300e_celebamask-hq-512x512.py'
checkpoint_file = 'https://download.openmmlab.com/mmclassification/v0/convnext/convnext-base_3rdparty_32xb128_in1k_20220124-d0915162.pth'  # noqa
model = dict(
    backbone=dict(
        _delete_=True,
        type='ConvNeXtWithoutOutNorms',
        arch='base',
        out_indices=(0, 1, 2, 3),
        drop_path_rate=0.5,
        layer_scale_init_value=1e-6,
        init_cfg=dict(
            type='Pretrained', checkpoint=checkpoint_file,
            prefix='backbone.')))
