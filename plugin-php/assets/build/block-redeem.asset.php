<?php return array('dependencies' => array('react', 'wc-blocks-checkout', 'wp-element', 'wp-i18n', 'wp-plugins'), 'version' => '8fdf1e261bc3c5bcb1d9');
