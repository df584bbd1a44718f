# SegFace, Swin-B, CelebAMask-HQ at 512 x 512, trained with random
# horizontal flips (not in the official recipe): a flip swaps the left/right
# labels, ears (4, 5), brows (6, 7) and eyes (8, 9).
_base_ = './segface_swin-b_8xb4-300e_celebamask-hq-512x512.py'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(
        type='Resize',
        scale=(512, 512),
        keep_ratio=False,
        interpolation='bicubic',
        backend='pillow'),
    dict(
        type='RandomFlip', prob=0.5, swap_seg_labels=[(4, 5), (6, 7), (8, 9)]),
    dict(type='PackSegInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
