from keras_disentangle.heads.mutual_information import code_entropy
from keras_disentangle.heads.mutual_information import (
    code_negative_log_likelihood,
)
from keras_disentangle.heads.mutual_information import mutual_information_loss
from keras_disentangle.heads.mutual_information import posterior_summary
from keras_disentangle.heads.q_head import QHead
