# SegFace, Swin-V2-B (window 8), CelebAMask-HQ at 512 x 512.
_base_ = './segface_swin-b_8xb4-300e_celebamask-hq-512x512.py'
checkpoint_file = 'https://download.openmmlab.com/mmclassification/v0/swin-v2/swinv2-base-w8_3rdparty_in1k-256px_20220803-8ff28f2b.pth'  # noqa
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.SwinTransformerV2',
        arch='base',
        img_size=256,
        window_size=[8, 8, 8, 8],
        drop_path_rate=0.5,
        out_indices=(0, 1, 2, 3),
        norm_cfg=None,
        init_cfg=dict(
            type='Pretrained', checkpoint=checkpoint_file,
            prefix='backbone.')))
