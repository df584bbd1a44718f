# SegFace, Swin-B, LaPa at 512 x 512: the official recipe.
#
# Schedule arithmetic: 18,176 training images on 8 GPUs, 4 per GPU: 2,272
# images per GPU, so one epoch is 2,272 // 4 = 568 iterations. 300 epochs
# are 170,400 iterations; the lr drops x0.1 after epochs 80 and 200, i.e. at
# iterations 45,440 and 113,600; validation every 20 epochs = 11,360.
_base_ = [
    '../_base_/models/segface_swin-b.py', '../_base_/datasets/lapa.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_multistep.py'
]
model = dict(
    type='FaceEncoderDecoder',
    # SegFace's LaPa models tanh-warp each face to an aligned frame from its
    # 5 landmarks (metainfo `landmarks`) and warp the logits back
    align_cfg=dict(warp_factor=0.8, face_scale=1.0),
    decode_head=dict(num_classes=11))
param_scheduler = [
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=170400,
        milestones=[45440, 113600],
        gamma=0.1)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=170400, val_interval=11360)
default_hooks = dict(checkpoint=dict(interval=11360))
