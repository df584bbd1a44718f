# SegFace, Swin-B, CelebAMask-HQ at 512 x 512: the official recipe.
#
# Schedule arithmetic: 24,183 training images on 8 GPUs, 4 per GPU. The
# distributed sampler pads to 3,023 images per GPU and drops the last partial
# batch, so one epoch is 3,023 // 4 = 755 iterations. 300 epochs are
# 226,500 iterations; the lr drops x0.1 after epochs 80 and 200, i.e. at
# iterations 60,400 and 151,000; validation every 20 epochs = 15,100.
_base_ = [
    '../_base_/models/segface_swin-b.py',
    '../_base_/datasets/celebamask_hq.py', '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_multistep.py'
]
