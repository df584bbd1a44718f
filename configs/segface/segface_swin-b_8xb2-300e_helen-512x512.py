# SegFace, Swin-B, Helen at 512 x 512: the official recipe.
#
# Schedule arithmetic: 2,000 training images on 8 GPUs, 2 per GPU (batch
# 16): 250 images per GPU, so one epoch is 250 // 2 = 125 iterations. 300
# epochs are 37,500 iterations; the lr drops x0.1 after epochs 80 and 200,
# i.e. at iterations 10,000 and 25,000; validation every 20 epochs = 2,500.
_base_ = [
    '../_base_/models/segface_swin-b.py', '../_base_/datasets/helen.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_multistep.py'
]
model = dict(decode_head=dict(num_classes=11))
param_scheduler = [
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=37500,
        milestones=[10000, 25000],
        gamma=0.1)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=37500, val_interval=2500)
default_hooks = dict(checkpoint=dict(interval=2500))
