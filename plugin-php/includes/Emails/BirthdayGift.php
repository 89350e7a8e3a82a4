<?php
/**
 * E-mail: birthday gift.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

defined( 'ABSPATH' ) || exit;

/**
 * Sent for birthday.gift: the points the store gives on the birthday.
 */
class BirthdayGift extends Email {
	const EVENT = 'birthday.gift';

	/**
	 * Constructor.
	 */
	public function __construct() {
		$this->id          = 'vafa_birthday_gift';
		$this->title       = __( 'Vafa: birthday gift', 'vafa' );
		$this->description = __( 'Sent to customers on their birthday with the points the store gives them.', 'vafa' );
		parent::__construct();
	}

	/**
	 * Default subject.
	 */
	public function get_default_subject() {
		return __( 'Happy birthday from {site_title}!', 'vafa' );
	}

	/**
	 * Default heading.
	 */
	public function get_default_heading() {
		return __( 'Happy birthday!', 'vafa' );
	}
}
