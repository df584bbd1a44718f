# Short name of the main model: SegFace, Swin-B, CelebAMask-HQ at 512 x 512.
_base_ = './segface/segface_swin-b_8xb4-300e_celebamask-hq-512x512.py'
