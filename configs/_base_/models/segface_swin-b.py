# SegFace with a Swin-B backbone: the primitive model config.
custom_imports = dict(imports=['segface_mmseg'], allow_failed_imports=False)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    # ImageNet statistics on 0-255 RGB, as the official (0-1) normalisation
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size=(512, 512))
checkpoint_file = 'https://download.openmmlab.com/mmclassification/v0/swin-transformer/convert/swin_base_patch4_window7_224-4670dd19.pth'  # noqa
model = dict(
    type='FaceEncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='mmpretrain.SwinTransformer',
        arch='base',
        img_size=224,
        window_size=7,
        drop_path_rate=0.5,
        out_indices=(0, 1, 2, 3),
        # the official model taps the stages before any norm
        norm_cfg=None,
        init_cfg=dict(
            type='Pretrained', checkpoint=checkpoint_file,
            prefix='backbone.')),
    neck=dict(
        type='MLPFusionNeck', in_channels=[128, 256, 512, 1024], channels=256),
    decode_head=dict(
        type='SegFaceHead',
        in_channels=256,
        channels=256,
        in_index=0,
        num_classes=19,
        transformer=dict(
            type='TwoWayTransformer',
            depth=2,
            embedding_dim=256,
            num_heads=8,
            mlp_dim=2048,
            attention_downsample_rate=2),
        align_corners=False,
        # the official loss: 0.5 * CE + 0.5 * batch-global soft Dice
        loss_decode=[
            dict(
                type='CrossEntropyLoss',
                use_sigmoid=False,
                avg_non_ignore=True,
                loss_weight=0.5),
            dict(type='SegFaceDiceLoss', loss_weight=0.5),
        ]),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
